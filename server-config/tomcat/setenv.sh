# JobPulse on Apache Tomcat 10.1 / 11: copy to $CATALINA_BASE/bin/setenv.sh (catalina.sh reads it at every start).
# The integration tests (mvn verify -Ptomcat) read this file too and start Tomcat with the options it sets.

# permessage-deflate: off. Tomcat (10.1, 11) offers it to every client and has no switch for it any more (the
# old -Dorg.apache.tomcat.websocket.DISABLE_BUILTIN_EXTENSIONS was removed in 10.1.0-M9); JobPulse's endpoint
# itself negotiates no extension, on every server.

# Heap: JobPulse itself needs little; size it for the jobs you run and the open connections
# (about 30 KB of heap per open WebSocket, see the README). Stop the JVM on OutOfMemoryError so a supervisor restarts it.
# Per-connection WebSocket buffers (input, text and binary message buffers; 8 KiB each by default, allocated when a
# connection opens): 2 KiB, JobPulse's largest accepted client message (jobpulse.ws.max-message-bytes). Measured
# with the benchmark: 42.8 KB of heap per subscribed watcher without, 23.8 KB with (docs/performance.md).
CATALINA_OPTS="$CATALINA_OPTS -Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=2048"
CATALINA_OPTS="$CATALINA_OPTS ${JOBPULSE_HEAP:--Xmx1g} -XX:+ExitOnOutOfMemoryError"

# JobPulse's settings (the main README's configuration table): any jobpulse.* key as -D here, or as an environment
# variable of the Tomcat process (JOBPULSE_API_KEYS, JOBPULSE_TOKEN_SECRET: better for secrets, -D shows in ps).
# Examples:
#   JOBPULSE_OPTS="$JOBPULSE_OPTS -Djobpulse.datasource=java:comp/env/jdbc/jobpulse"   (with jobpulse-postgresql.xml)
#   JOBPULSE_OPTS="$JOBPULSE_OPTS -Djobpulse.max-running-jobs=4 -Djobpulse.node-id=node-1"
#   JOBPULSE_OPTS="$JOBPULSE_OPTS -Djobpulse.allowed-origins=https://app.example.com"
CATALINA_OPTS="$CATALINA_OPTS ${JOBPULSE_OPTS:-}"

# Fail fast: without this, a Tomcat whose HTTP connector cannot start (its port taken, or useVirtualThreads on a Java
# older than 21) logs SEVERE and keeps running without listening, alive to a supervisor and deaf to everyone else.
# With it Tomcat exits: with status 1 when the connector cannot bind its port (or anything else fails to initialise),
# with 0 when it cannot start (Tomcat's start has no failure status). server-config/tomcat/README.md, section 1.
CATALINA_OPTS="$CATALINA_OPTS -Dorg.apache.catalina.startup.EXIT_ON_INIT_FAILURE=true"

# Let ${NAME} in the configuration files (jobpulse-postgresql.xml) read environment variables too.
CATALINA_OPTS="$CATALINA_OPTS -Dorg.apache.tomcat.util.digester.PROPERTY_SOURCE=org.apache.tomcat.util.digester.EnvironmentPropertySource"
