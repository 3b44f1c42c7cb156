package io.jobpulse.it.micro;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The main class of the Payara Micro JVM that {@link SharedMicroContainer} starts: boots Payara Micro with the options
 * given, then deploys and undeploys WARs as told on standard input, one command a line ({@code deploy <name>
 * <context root> <war file>}, {@code undeploy <name>}), answering each on standard output with a line that starts
 * with {@link #REPLY} ({@code ok} or {@code failed <why>}). Standard input closed: it shuts Payara Micro down and exits.
 *
 * <p>Runs on a class path of payara-micro.jar and this one class file (no test classes, no service files), and calls
 * Payara Micro's public API ({@code fish.payara.micro.PayaraMicro}, {@code PayaraMicroRuntime}) by reflection, so that
 * the tests need not compile against the server's jar.
 */
public final class MicroDeployer {

    /** How every answer line starts, apart from the server's own output on the same stream. */
    public static final String REPLY = "jobpulse-micro-deployer: ";

    private MicroDeployer() {}

    public static void main(String[] args) throws Exception {
        // the server's log may take System.out over once it runs; answers go to the process's own stdout
        PrintStream replies = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Class<?> micro = Class.forName("fish.payara.micro.PayaraMicro");
        micro.getMethod("main", String[].class).invoke(null, (Object) args);
        Object instance = micro.getMethod("getInstance").invoke(null);
        Object runtime = micro.getMethod("getRuntime").invoke(instance);
        Method deploy = runtime.getClass().getMethod("deploy", String.class, String.class, File.class);
        Method undeploy = runtime.getClass().getMethod("undeploy", String.class);
        deploy.setAccessible(true);
        undeploy.setAccessible(true);
        replies.println(REPLY + "ready");
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = commands.readLine()) != null; ) {
            String[] words = line.split(" ", 4);
            try {
                if (words.length == 4 && words[0].equals("deploy")) {
                    boolean deployed = (Boolean) deploy.invoke(runtime, words[1], words[2], new File(words[3]));
                    replies.println(REPLY + (deployed ? "ok" : "failed Payara Micro refused the deployment"));
                } else if (words.length == 2 && words[0].equals("undeploy")) {
                    undeploy.invoke(runtime, words[1]);
                    replies.println(REPLY + "ok");
                } else {
                    replies.println(REPLY + "failed unknown command " + Arrays.toString(words));
                }
            } catch (InvocationTargetException e) {
                e.getCause().printStackTrace();
                replies.println(REPLY + "failed " + String.valueOf(e.getCause()).replace('\n', ' '));
            }
        }
        micro.getMethod("shutdown").invoke(instance);
        System.exit(0);
    }
}
