package io.jobpulse.it;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The OpenAPI document of the API ({@value #DOCUMENT}, served at {@code /jobpulse/api/openapi.json}) as a checker of
 * real answers: given a request's method and URI and the response's status, headers and body, it finds the operation
 * in the document and validates the answer against it with a JSON Schema 2020-12 validator (networknt's, OpenAPI 3.1
 * dialect, formats asserted). A response breaks the contract when its path or method is not in the document, its
 * status is not listed for the operation, its content type is not listed for that status, a required header is
 * missing or does not fit its schema, or the body does not fit the schema (for {@code text/event-stream}, each
 * event's data against the schema named by {@code x-jobpulse-event-data}). {@link ApiClient} checks every answer it
 * gets with it, and {@code OpenApiIT} exercises every operation; {@code OpenApiDocumentTest} checks the document
 * itself.
 */
final class OpenApiContract {

    static final String DOCUMENT = "openapi/jobpulse.json";
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What was asked and what came back. Header names in any case; the content type without its parameters too. */
    record Exchange(
            String method,
            URI uri,
            int status,
            Optional<String> contentType,
            Map<String, List<String>> headers,
            String body) {}

    /** One operation of the document: its method and its full path template (the server's path included). */
    record Operation(String method, String template, String pointer, JsonNode node) {}

    private static final class Holder {
        static final OpenApiContract JOBPULSE = new OpenApiContract(DOCUMENT);
    }

    private final String location;
    private final JsonNode document;
    private final List<Operation> operations;
    private final SchemaRegistry schemas;
    private final ConcurrentMap<String, Schema> compiled = new ConcurrentHashMap<>();

    private OpenApiContract(String resource) {
        this.location = "classpath:" + resource;
        this.document = read(resource);
        this.operations = operations(document);
        this.schemas = SchemaRegistry.withDialect(
                Dialects.getOpenApi31(),
                builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                        .formatAssertionsEnabled(true)
                        .build()));
    }

    /** The document of the WAR, read once per JVM. */
    static OpenApiContract jobPulse() {
        return Holder.JOBPULSE;
    }

    JsonNode document() {
        return document;
    }

    /** Every operation, as {@code GET /jobpulse/api/jobs/{id}}. */
    List<Operation> operations() {
        return operations;
    }

    /** Throws an {@link AssertionError} naming every way {@code exchange} breaks the contract. */
    void check(Exchange exchange) {
        List<String> violations = violations(exchange);
        if (!violations.isEmpty()) {
            throw new AssertionError("The answer to " + exchange.method() + " " + exchange.uri() + " ("
                    + exchange.status() + " " + exchange.contentType().orElse("no content type")
                    + ") breaks the OpenAPI document " + DOCUMENT + ":\n  " + String.join("\n  ", violations)
                    + "\nbody: " + abbreviate(exchange.body()));
        }
    }

    /** Every way {@code exchange} breaks the contract; empty when it keeps it. */
    List<String> violations(Exchange exchange) {
        String path = exchange.uri().getRawPath();
        Optional<Operation> found = operations.stream()
                .filter(op -> op.method().equalsIgnoreCase(exchange.method()) && matches(op.template(), path))
                .min(Comparator.comparingInt(op -> op.template().split("\\{").length));
        if (found.isEmpty()) {
            boolean pathKnown = operations.stream().anyMatch(op -> matches(op.template(), path));
            return List.of(pathKnown ? "the method is not documented for this path" : "the path is not documented");
        }
        Operation operation = found.get();
        JsonNode responses = operation.node().path("responses");
        String status = Integer.toString(exchange.status());
        String key = responses.has(status)
                ? status
                : responses.has(status.charAt(0) + "XX")
                        ? status.charAt(0) + "XX"
                        : responses.has("default") ? "default" : null;
        if (key == null) {
            return List.of("status " + status + " is not documented for "
                    + operation.method().toUpperCase(Locale.ROOT) + " " + operation.template() + " (documented: "
                    + responses.propertyNames() + ")");
        }
        String responsePointer = operation.pointer() + "/responses/" + escape(key);
        JsonNode response = responses.get(key);
        if (response.has("$ref")) {
            responsePointer = refPointer(response);
            response = document.at(responsePointer);
        }
        List<String> violations = new ArrayList<>();
        checkHeaders(exchange, response, responsePointer, violations);
        checkBody(exchange, response, responsePointer, violations);
        return violations;
    }

    private void checkHeaders(Exchange exchange, JsonNode response, String responsePointer, List<String> violations) {
        for (Map.Entry<String, JsonNode> header : response.path("headers").properties()) {
            String headerPointer = header.getValue().has("$ref")
                    ? refPointer(header.getValue())
                    : responsePointer + "/headers/" + escape(header.getKey());
            JsonNode spec = document.at(headerPointer);
            Optional<String> value = header(exchange, header.getKey());
            if (value.isEmpty()) {
                if (spec.path("required").asBoolean(false)) {
                    violations.add("the required header " + header.getKey() + " is missing");
                }
                continue;
            }
            if (!spec.has("schema")) {
                continue;
            }
            JsonNode schema = spec.path("schema");
            JsonNode resolved = schema.has("$ref") ? document.at(refPointer(schema)) : schema;
            JsonNode instance = "integer".equals(resolved.path("type").asString(""))
                    ? integerOrText(value.get())
                    : JsonNodeFactory.instance.stringNode(value.get());
            schema(headerPointer + "/schema")
                    .validate(instance)
                    .forEach(e -> violations.add("header " + header.getKey() + ": " + e.getMessage()));
        }
    }

    private void checkBody(Exchange exchange, JsonNode response, String responsePointer, List<String> violations) {
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (!exchange.body().isEmpty()) {
                violations.add("the document says this answer has no body, but it has one");
            }
            return;
        }
        Optional<String> mediaType = exchange.contentType().map(OpenApiContract::baseType);
        if (mediaType.isEmpty() || !content.has(mediaType.get())) {
            violations.add("content type " + exchange.contentType().orElse("(none)")
                    + " is not documented (documented: " + content.propertyNames() + ")");
            return;
        }
        String mediaPointer = responsePointer + "/content/" + escape(mediaType.get());
        JsonNode media = content.get(mediaType.get());
        if (mediaType.get().equals("text/event-stream")) {
            if (media.has("x-jobpulse-event-data")) {
                Schema data = schema(mediaPointer + "/x-jobpulse-event-data");
                List<String> events = sseData(exchange.body());
                for (int i = 0; i < events.size(); i++) {
                    int n = i;
                    try {
                        data.validate(JSON.readTree(events.get(i)))
                                .forEach(e -> violations.add("event " + n + " " + describe(e)));
                    } catch (JacksonException e) {
                        violations.add("event " + n + " is not JSON: " + e.getOriginalMessage());
                    }
                }
            }
            return;
        }
        if (!isJson(mediaType.get())) {
            schema(mediaPointer + "/schema")
                    .validate(JsonNodeFactory.instance.stringNode(exchange.body()))
                    .forEach(e -> violations.add(describe(e)));
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(exchange.body());
        } catch (JacksonException e) {
            violations.add("the body is not JSON: " + e.getOriginalMessage());
            return;
        }
        schema(mediaPointer + "/schema").validate(body).forEach(e -> violations.add(describe(e)));
    }

    private Schema schema(String pointer) {
        return compiled.computeIfAbsent(pointer, p -> {
            Schema schema = schemas.getSchema(SchemaLocation.of(location + "#" + fragment(p)));
            schema.initializeValidators();
            return schema;
        });
    }

    /** Compiles the schema at {@code pointer} (a JSON pointer into the document), resolving every $ref it holds. */
    Schema compile(String pointer) {
        return schema(pointer);
    }

    private static List<String> sseData(String stream) {
        List<String> data = new ArrayList<>();
        for (String event : stream.replace("\r\n", "\n").split("\n\n")) {
            StringBuilder text = new StringBuilder();
            for (String line : event.split("\n")) {
                if (line.startsWith("data:")) {
                    text.append(text.length() > 0 ? "\n" : "")
                            .append(line.substring(5).stripLeading());
                }
            }
            if (text.length() > 0) {
                data.add(text.toString());
            }
        }
        return data;
    }

    private static String describe(Error error) {
        return error.getInstanceLocation() + ": " + error.getMessage() + " (schema " + error.getSchemaLocation() + ")";
    }

    private static Optional<String> header(Exchange exchange, String name) {
        return exchange.headers().entrySet().stream()
                .filter(h -> h.getKey() != null && h.getKey().equalsIgnoreCase(name))
                .flatMap(h -> h.getValue().stream())
                .findFirst();
    }

    private static JsonNode integerOrText(String value) {
        try {
            return JsonNodeFactory.instance.numberNode(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return JsonNodeFactory.instance.stringNode(value);
        }
    }

    static String baseType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }

    private static boolean isJson(String mediaType) {
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    private static boolean matches(String template, String path) {
        StringBuilder regex = new StringBuilder();
        for (String part : template.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return path.matches(regex.toString());
    }

    private static List<Operation> operations(JsonNode document) {
        List<Operation> found = new ArrayList<>();
        List<String> rootServers = servers(document.path("servers"));
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            List<String> servers =
                    path.getValue().has("servers") ? servers(path.getValue().path("servers")) : rootServers;
            for (String method : METHODS) {
                JsonNode operation = path.getValue().path(method);
                if (operation.isObject()) {
                    for (String server : servers) {
                        found.add(new Operation(
                                method.toUpperCase(Locale.ROOT),
                                server + path.getKey(),
                                "/paths/" + escape(path.getKey()) + "/" + method,
                                operation));
                    }
                }
            }
        }
        return List.copyOf(found);
    }

    /** The paths of the servers: {@code /jobpulse/api}; an absolute URL would name a host the tests do not use. */
    private static List<String> servers(JsonNode servers) {
        List<String> paths = new ArrayList<>();
        servers.forEach(server -> {
            String url = server.path("url").asString("");
            paths.add(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        });
        return paths.isEmpty() ? List.of("") : paths;
    }

    private static String refPointer(JsonNode ref) {
        String value = ref.path("$ref").asString("");
        if (!value.startsWith("#")) {
            throw new IllegalStateException("only local $refs are expected in " + DOCUMENT + ": " + value);
        }
        return value.substring(1);
    }

    /** A JSON pointer's reference token for {@code key} (RFC 6901). */
    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** A JSON pointer as a URI fragment: each token percent-encoded where a fragment may not hold it (RFC 6901 §6). */
    private static String fragment(String pointer) {
        Map<Character, String> encoded = new LinkedHashMap<>();
        StringBuilder out = new StringBuilder();
        for (char c : pointer.toCharArray()) {
            boolean plain = Character.isLetterOrDigit(c) || "/~-._!$&'()*+,;=:@".indexOf(c) >= 0;
            out.append(
                    plain
                            ? String.valueOf(c)
                            : encoded.computeIfAbsent(
                                    c, x -> URLEncoder.encode(String.valueOf(x), StandardCharsets.UTF_8)));
        }
        return out.toString();
    }

    private static JsonNode read(String resource) {
        try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
    }
}
