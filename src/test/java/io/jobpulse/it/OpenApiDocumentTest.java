package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.servlet.annotation.WebServlet;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document itself (src/main/resources/openapi/jobpulse.json): a valid OpenAPI 3.1 document (against the
 * OpenAPI Initiative's schema of 3.1 documents, 2025-11-23, in src/test/resources/openapi), every {@code $ref}
 * resolves and every schema compiles, and it is complete: every JAX-RS resource method and every servlet of the WAR is
 * an operation of the document, and every operation is one of them. A resource added without its path in the
 * document (the admin endpoints, say) fails here, naming it.
 */
class OpenApiDocumentTest {

    /** The WAR's context root, as every server of the tests and every README deploys it. */
    private static final String CONTEXT_ROOT = "/jobpulse";

    private static final String OAS_SCHEMA = "classpath:openapi/oas-3.1-schema-2025-11-23.json";

    private static Iterable<JavaClass> production;

    private final OpenApiContract contract = OpenApiContract.jobPulse();

    @Test
    void isAValidOpenApi31Document() throws Exception {
        Schema oas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of(OAS_SCHEMA));
        List<Error> errors = oas.validate(contract.document());
        assertThat(errors).as("errors against the OpenAPI 3.1 schema").isEmpty();
        assertThat(contract.document().path("openapi").asString()).isEqualTo("3.1.0");
    }

    @Test
    void theSchemaOfOpenApiDocumentsFindsABrokenOne() {
        Schema oas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of(OAS_SCHEMA));
        String broken = "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"x\"},"
                + "\"paths\":{\"/x\":{\"get\":{\"responses\":{\"200\":{\"content\":{}}}}}}}";
        assertThat(oas.validate(broken, InputFormat.JSON))
                .as("info without version, a response without description")
                .isNotEmpty();
    }

    @Test
    void everyRefResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(contract.document(), refs);
        assertThat(refs).isNotEmpty();
        assertThat(refs)
                .as("local references only, each to something that is there")
                .allSatisfy(ref -> {
                    assertThat(ref).startsWith("#/");
                    assertThat(contract.document().at(ref.substring(1)).isMissingNode())
                            .as(ref)
                            .isFalse();
                });
    }

    @Test
    void everySchemaCompiles() {
        List<String> pointers = new ArrayList<>();
        contract.document()
                .path("components")
                .path("schemas")
                .propertyNames()
                .forEach(name -> pointers.add("/components/schemas/" + OpenApiContract.escape(name)));
        collectSchemas(contract.document(), "", pointers);
        assertThat(pointers).hasSizeGreaterThan(40);
        for (String pointer : pointers) {
            assertThat(contract.compile(pointer)).as(pointer).isNotNull();
        }
    }

    @Test
    void everyResourceMethodAndServletIsAnOperationAndEveryOperationIsOne() throws Exception {
        Set<String> served = new TreeSet<>();
        String api = CONTEXT_ROOT + "/" + applicationPath();
        for (JavaClass type : production()) {
            Class<?> resource = type.reflect();
            if (resource.isAnnotationPresent(Path.class)) {
                for (Method method : resource.getDeclaredMethods()) {
                    httpMethod(method)
                            .ifPresent(verb -> served.add(verb + " "
                                    + normalized(api + "/" + join(resource.getAnnotation(Path.class), method))));
                }
            }
            WebServlet servlet = resource.getAnnotation(WebServlet.class);
            if (servlet != null) {
                for (String pattern : servlet.urlPatterns()) {
                    served.add("GET " + normalized(CONTEXT_ROOT + pattern));
                }
            }
        }
        assertThat(served).as("resources found").hasSizeGreaterThan(10);
        Set<String> documented = contract.operations().stream()
                .map(op -> op.method() + " " + normalized(op.template()))
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(served)
                .as("operations the WAR serves that the OpenAPI document does not describe")
                .isSubsetOf(documented);
        assertThat(documented)
                .as("operations the OpenAPI document describes that the WAR does not serve")
                .isSubsetOf(served);
    }

    /** The WAR's classes, imported once: the importer reads every class file of io.jobpulse. */
    private static Iterable<JavaClass> production() {
        if (production == null) {
            production = new ClassFileImporter()
                    .withImportOption(new ImportOption.DoNotIncludeTests())
                    .importPackages("io.jobpulse");
        }
        return production;
    }

    private static String applicationPath() {
        for (JavaClass type : production()) {
            ApplicationPath path = type.reflect().getAnnotation(ApplicationPath.class);
            if (path != null) {
                return trim(path.value());
            }
        }
        throw new AssertionError("no @ApplicationPath in io.jobpulse");
    }

    private static java.util.Optional<String> httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod verb = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return java.util.Optional.of(verb.value());
            }
        }
        if (method.isAnnotationPresent(Path.class)) {
            throw new AssertionError(method + " is a sub-resource locator: list its operations in this test");
        }
        return java.util.Optional.empty();
    }

    private static String join(Path type, Method method) {
        Path sub = method.getAnnotation(Path.class);
        return trim(type.value()) + (sub == null ? "" : "/" + trim(sub.value()));
    }

    private static String trim(String path) {
        return path.replaceAll("^/+|/+$", "");
    }

    /** Path parameters by position, not name: {@code /jobs/{}/cancel}. */
    private static String normalized(String template) {
        return template.replaceAll("\\{[^}]*}", "{}").replaceAll("/+$", "");
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                if (member.getKey().equals("$ref")) {
                    refs.add(member.getValue().asString());
                } else {
                    collectRefs(member.getValue(), refs);
                }
            }
        } else if (node.isArray()) {
            node.forEach(item -> collectRefs(item, refs));
        }
    }

    /** The pointers of every {@code schema} (and SSE data schema) outside the components' schemas. */
    private static void collectSchemas(JsonNode node, String at, List<String> pointers) {
        if (!node.isObject() || at.startsWith("/components/schemas")) {
            return;
        }
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            String pointer = at + "/" + OpenApiContract.escape(member.getKey());
            if (member.getKey().equals("schema") || member.getKey().equals("x-jobpulse-event-data")) {
                pointers.add(pointer);
            } else {
                collectSchemas(member.getValue(), pointer, pointers);
            }
        }
    }
}
