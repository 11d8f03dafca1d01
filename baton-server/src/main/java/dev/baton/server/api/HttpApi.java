package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.DefinitionReader;
import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.InvalidDefinitionException;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Instance;
import dev.baton.protocol.Json;
import dev.baton.protocol.OperatorRequest;
import dev.baton.protocol.StartRequest;
import dev.baton.server.runtime.Orchestrator;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Baton's REST API, served by {@code baton server}: deploy and list workflows, start instances, read their state
 * and act on them. Bound to 127.0.0.1 unless told otherwise.
 */
public final class HttpApi implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HttpApi.class);
    private final Orchestrator orchestrator;
    private Javalin app;

    public HttpApi(Orchestrator orchestrator) {
        this.orchestrator = orchestrator;
    }

    /** Starts serving; port 0 picks a free port, see {@link #port()}. */
    public HttpApi start(String host, int port) {
        app = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            config.routes.get("/health", this::health);
            config.routes.get("/api/workflows", this::listWorkflows);
            config.routes.get("/api/workflows/{name}", this::getWorkflow);
            config.routes.post("/api/workflows", this::deploy);
            config.routes.post("/api/workflows/validate", this::validate);
            config.routes.post("/api/instances", this::startInstance);
            config.routes.get("/api/instances", this::listInstances);
            config.routes.get("/api/instances/{id}", this::getInstance);
            config.routes.post("/api/instances/{id}/cancel", ctx -> operate(ctx, OperatorRequest.Operation.CANCEL));
            config.routes.post("/api/instances/{id}/retry", ctx -> operate(ctx, OperatorRequest.Operation.RETRY));
            config.routes.exception(BadRequest.class, (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", e.getMessage())));
            config.routes.exception(io.javalin.validation.ValidationException.class,
                    (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "bad parameter: " + e.getErrors().keySet())));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("{} {} failed", ctx.method(), ctx.path(), e);
                ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(Map.of("error", "internal error: " + e.getMessage()));
            });
        }).start();
        return this;
    }

    public int port() {
        return app.port();
    }

    private void health(Context ctx) {
        boolean up = orchestrator.isRunning();
        ctx.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .json(Map.of("status", up ? "UP" : "DOWN", "orchestrator", orchestrator.state().name()));
    }

    private void listWorkflows(Context ctx) {
        ctx.json(orchestrator.definitions().latestOfEach().stream().map(d -> Map.of(
                "name", d.name(), "version", d.version(), "steps", d.steps().size(), "resultTopic", d.resultTopic())).toList());
    }

    private void getWorkflow(Context ctx) {
        var versions = orchestrator.definitions().versions(ctx.pathParam("name"));
        if (versions.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no workflow named '" + ctx.pathParam("name") + "'"));
            return;
        }
        var m = new LinkedHashMap<String, Object>(DefinitionWriter.toTree(versions.get(versions.size() - 1)));
        m.put("versions", versions.stream().map(WorkflowDefinition::version).toList());
        ctx.json(m);
    }

    private void deploy(Context ctx) {
        WorkflowDefinition parsed = parse(ctx);
        if (parsed == null) {
            return;
        }
        WorkflowDefinition deployed = orchestrator.deploy(parsed);
        ctx.status(HttpStatus.CREATED).json(Map.of("name", deployed.name(), "version", deployed.version()));
    }

    private void validate(Context ctx) {
        WorkflowDefinition parsed = parse(ctx);
        if (parsed != null) {
            ctx.json(Map.of("valid", true, "name", parsed.name(), "steps", parsed.steps().size()));
        }
    }

    /** Reads a definition from the body (YAML or JSON); answers 400 with every problem when it is invalid. */
    private WorkflowDefinition parse(Context ctx) {
        String source = ctx.queryParamAsClass("source", String.class).getOrDefault("request body");
        try {
            return DefinitionReader.read(ctx.body(), source);
        } catch (InvalidDefinitionException e) {
            ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("valid", false, "error", "invalid workflow definition",
                    "problems", InstanceView.problems(e)));
            return null;
        }
    }

    private void startInstance(Context ctx) {
        JsonNode body = jsonBody(ctx);
        String workflow = body.path("workflow").asText("");
        if (workflow.isEmpty()) {
            throw new BadRequest("field 'workflow' is required");
        }
        Integer version = body.hasNonNull("version") ? body.get("version").asInt() : null;
        var definition = version == null ? orchestrator.definitions().latest(workflow) : orchestrator.definitions().find(workflow, version);
        if (definition.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "workflow '" + workflow + "' is not deployed"));
            return;
        }
        String id = body.hasNonNull("instanceId") ? body.get("instanceId").asText() : UUID.randomUUID().toString();
        Object input = body.has("input") ? Json.mapper().convertValue(body.get("input"), Object.class) : Map.of();
        String businessKey = body.hasNonNull("businessKey") ? body.get("businessKey").asText() : null;
        orchestrator.start(id, new StartRequest(workflow, version, input, businessKey));
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("instanceId", id, "workflow", workflow));
    }

    private void getInstance(Context ctx) {
        Instance instance = orchestrator.localInstance(ctx.pathParam("id")).orElse(null);
        if (instance == null) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no instance '" + ctx.pathParam("id") + "'"));
            return;
        }
        var definition = orchestrator.definitions().find(instance.workflow(), instance.version()).orElse(null);
        ctx.json(InstanceView.full(instance, definition));
    }

    private void listInstances(Context ctx) {
        String workflow = ctx.queryParam("workflow");
        String status = ctx.queryParam("status");
        String outcome = ctx.queryParam("outcome");
        int limit = ctx.queryParamAsClass("limit", Integer.class).getOrDefault(100);
        int offset = ctx.queryParamAsClass("offset", Integer.class).getOrDefault(0);
        if (limit < 1 || limit > 1000 || offset < 0) {
            throw new BadRequest("limit must be 1 to 1000 and offset 0 or more");
        }
        List<Map<String, Object>> page = new ArrayList<>();
        int[] seen = {0};
        orchestrator.forEachLocalInstance(i -> {
            if ((workflow == null || workflow.equals(i.workflow()))
                    && (status == null || status.equalsIgnoreCase(i.status().name()))
                    && (outcome == null || (i.outcome() != null && outcome.equalsIgnoreCase(i.outcome().name())))) {
                if (seen[0] >= offset && page.size() < limit) {
                    page.add(InstanceView.summary(i));
                }
                seen[0]++;
            }
        });
        ctx.json(Map.of("total", seen[0], "offset", offset, "limit", limit, "items", page));
    }

    private void operate(Context ctx, OperatorRequest.Operation operation) {
        String id = ctx.pathParam("id");
        if (orchestrator.localInstance(id).isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no instance '" + id + "'"));
            return;
        }
        JsonNode body = ctx.body().isBlank() ? Json.mapper().createObjectNode() : jsonBody(ctx);
        String stepId = body.hasNonNull("stepId") ? body.get("stepId").asText() : null;
        String reason = body.hasNonNull("reason") ? body.get("reason").asText() : null;
        orchestrator.operate(id, new OperatorRequest(operation, stepId, reason));
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("instanceId", id, "operation", operation.name().toLowerCase()));
    }

    private static JsonNode jsonBody(Context ctx) {
        try {
            JsonNode node = Json.mapper().readTree(ctx.body());
            if (node == null || !node.isObject()) {
                throw new BadRequest("the body must be a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
            app = null;
        }
    }
}
