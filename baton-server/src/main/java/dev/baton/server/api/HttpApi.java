package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.definition.DefinitionReader;
import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.InvalidDefinitionException;
import dev.baton.definition.WorkflowDefinition;
import dev.baton.engine.Instance;
import dev.baton.engine.Outcome;
import dev.baton.engine.ProcessStatus;
import dev.baton.protocol.Json;
import dev.baton.protocol.OperatorRequest;
import dev.baton.protocol.StartRequest;
import dev.baton.server.runtime.DryRun;
import dev.baton.server.runtime.InputLog;
import dev.baton.server.runtime.Orchestrator;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Baton's REST API, served by {@code baton server}: deploy and list workflows, start instances, read their state
 * and act on them. Bound to 127.0.0.1 unless told otherwise.
 */
public final class HttpApi implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HttpApi.class);
    private final Orchestrator orchestrator;
    private final InstanceQueries queries;
    private final Peers peers = new Peers();
    private final AccessControl access;
    private final java.util.concurrent.Semaphore replays = new java.util.concurrent.Semaphore(1);
    private final PrometheusMeterRegistry prometheus;
    private final io.micrometer.core.instrument.MultiGauge waitingGauge;
    private StatusBroadcast broadcast;
    private Javalin app;

    public HttpApi(Orchestrator orchestrator) {
        this(orchestrator, AccessControl.open());
    }

    public HttpApi(Orchestrator orchestrator, AccessControl access) {
        this.orchestrator = orchestrator;
        this.access = access;
        this.queries = new InstanceQueries(orchestrator);
        this.prometheus = orchestrator.metrics().registry() instanceof PrometheusMeterRegistry p ? p : null;
        this.waitingGauge = io.micrometer.core.instrument.MultiGauge.builder("baton.steps.waiting")
                .description(
                        "Instances waiting for a step's outcome (kind=execute) or its compensation (kind=compensate)")
                .register(orchestrator.metrics().registry());
    }

    /** Starts serving; port 0 picks a free port, see {@link #port()}. */
    public HttpApi start(String host, int port) {
        broadcast = new StatusBroadcast(
                orchestrator.settings().bootstrapServers(),
                orchestrator.settings().kafkaProperties(),
                orchestrator.settings().topics().status());
        try {
            app = create(host, port);
        } catch (RuntimeException e) {
            broadcast.close();
            throw e;
        }
        return this;
    }

    private Javalin create(String host, int port) {
        return Javalin.create(config -> {
                    config.jetty.host = host;
                    config.jetty.port = port;
                    config.jsonMapper(new JavalinJackson(Json.mapper(), false));
                    if (HttpApi.class.getResource("/dashboard/index.html") != null) {
                        config.staticFiles.add(files -> {
                            files.hostedPath = "/";
                            files.directory = "/dashboard";
                            files.location = Location.CLASSPATH;
                        });
                    }
                    config.staticFiles.enableWebjars();
                    config.routes.before(access::check);
                    config.routes.get("/health", this::health);
                    config.routes.get("/health/live", this::liveness);
                    config.routes.get("/health/ready", this::readiness);
                    config.routes.get("/metrics", this::metrics);
                    config.routes.get(
                            "/api/openapi.json",
                            ctx -> ctx.contentType("application/json").result(openApi()));
                    config.routes.get("/api/overview", this::overview);
                    config.routes.get("/api/waiting", this::waiting);
                    config.routes.sse("/api/events", this::events);
                    config.routes.post("/api/instances/bulk", this::bulk);
                    config.routes.get("/api/workflows", this::listWorkflows);
                    config.routes.get("/api/workflows/{name}", this::getWorkflow);
                    config.routes.get("/api/workflows/{name}/asyncapi", this::asyncApi);
                    config.routes.post("/api/workflows", this::deploy);
                    config.routes.post("/api/workflows/validate", this::validate);
                    config.routes.post("/api/workflows/{name}/replay", this::replay);
                    config.routes.post("/api/instances", this::startInstance);
                    config.routes.get("/api/instances", this::listInstances);
                    config.routes.get("/api/instances/{id}", this::getInstance);
                    config.routes.get("/api/instances/{id}/steps/{stepId}/items", this::getItems);
                    config.routes.post(
                            "/api/instances/{id}/cancel", ctx -> operate(ctx, OperatorRequest.Operation.CANCEL));
                    config.routes.post(
                            "/api/instances/{id}/retry", ctx -> operate(ctx, OperatorRequest.Operation.RETRY));
                    for (OperatorRequest.Operation op : List.of(
                            OperatorRequest.Operation.PAUSE,
                            OperatorRequest.Operation.RESUME,
                            OperatorRequest.Operation.REDRIVE)) {
                        config.routes.post(
                                "/api/instances/{id}/" + op.name().toLowerCase(java.util.Locale.ROOT),
                                ctx -> operate(ctx, op));
                    }
                    config.routes.post("/api/instances/{id}/migrate", this::migrate);
                    config.routes.post(
                            "/api/instances/{id}/steps/{stepId}/complete",
                            ctx -> operate(ctx, OperatorRequest.Operation.COMPLETE));
                    config.routes.post(
                            "/api/instances/{id}/steps/{stepId}/rerun",
                            ctx -> operate(ctx, OperatorRequest.Operation.RERUN));
                    config.routes.post(
                            "/api/instances/{id}/steps/{stepId}/skip",
                            ctx -> operate(ctx, OperatorRequest.Operation.SKIP));
                    config.routes.post("/api/instances/{id}/signals/{name}", this::signalInstance);
                    config.routes.post("/api/signals/{name}", this::signalByBusinessKey);
                    config.routes.get("/api/topics/paused", this::pausedTopics);
                    config.routes.post("/api/topics/{topic}/pause", ctx -> pauseTopic(ctx, true));
                    config.routes.post("/api/topics/{topic}/resume", ctx -> pauseTopic(ctx, false));
                    config.routes.get("/api/schedules", this::listSchedules);
                    config.routes.post("/api/schedules/{workflow}/pause", ctx -> pauseSchedule(ctx, true));
                    config.routes.post("/api/schedules/{workflow}/resume", ctx -> pauseSchedule(ctx, false));
                    config.routes.exception(
                            io.javalin.http.HttpResponseException.class,
                            (e, ctx) -> ctx.status(e.getStatus()).json(Map.of("error", e.getMessage())));
                    config.routes.exception(
                            BadRequest.class,
                            (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", e.getMessage())));
                    // why 409: the request is fine; the cluster lacks topics an administrator has to create
                    config.routes.exception(
                            dev.baton.server.runtime.TopicProvisioningException.class,
                            (e, ctx) -> ctx.status(HttpStatus.CONFLICT).json(Map.of("error", e.getMessage())));
                    config.routes.exception(
                            io.javalin.validation.ValidationException.class,
                            (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST)
                                    .json(Map.of(
                                            "error",
                                            "bad parameter: " + e.getErrors().keySet())));
                    config.routes.exception(Exception.class, (e, ctx) -> {
                        log.error("{} {} failed", ctx.method(), ctx.path(), e);
                        ctx.status(HttpStatus.INTERNAL_SERVER_ERROR)
                                .json(Map.of("error", "internal error: " + e.getMessage()));
                    });
                })
                .start();
    }

    public int port() {
        return app.port();
    }

    private void health(Context ctx) {
        boolean up = orchestrator.isRunning();
        ctx.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .json(Map.of(
                        "status",
                        up ? "UP" : "DOWN",
                        "orchestrator",
                        orchestrator.state().name()));
    }

    /** Alive while it answers at all: a probe that gets no answer should restart the process. */
    private void liveness(Context ctx) {
        ctx.json(Map.of("status", "UP"));
    }

    /** Ready when Kafka Streams is RUNNING and no store is being restored; 503 saying why otherwise. */
    private void readiness(Context ctx) {
        var readiness = orchestrator.readiness();
        var body = new LinkedHashMap<String, Object>();
        body.put("status", readiness.ready() ? "UP" : "DOWN");
        body.put("orchestrator", readiness.state().name());
        if (!readiness.ready()) {
            body.put("reason", readiness.reason());
            body.put("restoring", readiness.restoring());
        }
        ctx.status(readiness.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .json(body);
    }

    private void listWorkflows(Context ctx) {
        ctx.json(orchestrator.definitions().latestOfEach().stream()
                .map(d -> Map.of(
                        "name",
                        d.name(),
                        "version",
                        d.version(),
                        "steps",
                        d.steps().size(),
                        "resultTopic",
                        d.resultTopic()))
                .toList());
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

    private void asyncApi(Context ctx) {
        var definition = orchestrator.definitions().latest(ctx.pathParam("name"));
        if (definition.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no workflow named '" + ctx.pathParam("name") + "'"));
            return;
        }
        ctx.json(AsyncApiDocument.of(
                definition.get(),
                orchestrator.settings().topics(),
                orchestrator.settings().bootstrapServers()));
    }

    private void deploy(Context ctx) {
        WorkflowDefinition parsed = parse(ctx);
        if (parsed == null) {
            return;
        }
        WorkflowDefinition deployed;
        try {
            deployed = orchestrator.deploy(parsed);
        } catch (InvalidDefinitionException e) { // valid on its own, but not for this Baton (its own topics)
            ctx.status(HttpStatus.BAD_REQUEST)
                    .json(Map.of(
                            "valid",
                            false,
                            "error",
                            "the workflow cannot be deployed",
                            "problems",
                            InstanceView.problems(e)));
            return;
        }
        ctx.status(HttpStatus.CREATED).json(Map.of("name", deployed.name(), "version", deployed.version()));
    }

    private void validate(Context ctx) {
        WorkflowDefinition parsed = parse(ctx);
        if (parsed != null) {
            ctx.json(Map.of(
                    "valid",
                    true,
                    "name",
                    parsed.name(),
                    "steps",
                    parsed.steps().size()));
        }
    }

    /**
     * A dry run of a candidate definition (the body, YAML or JSON) over the workflow's retained requests and outcomes
     * (query {@code from}, {@code to}: instances started in that range): the per-instance report of {@link DryRun}.
     * Read-only: it reads Kafka with a consumer that has no group and commits nothing, and writes nothing. One at a
     * time per process, since it reads every retained record of both topics.
     */
    private void replay(Context ctx) {
        String name = ctx.pathParam("name");
        WorkflowDefinition candidate = parse(ctx);
        if (candidate == null) {
            return;
        }
        if (!candidate.name().equals(name)) {
            throw new BadRequest("the candidate is a definition of '" + candidate.name() + "', not of '" + name + "'");
        }
        if (orchestrator.definitions().versions(name).isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no workflow named '" + name + "'"));
            return;
        }
        Instant from;
        Instant to;
        try {
            from = ctx.queryParam("from") == null ? null : Instant.parse(ctx.queryParam("from"));
            to = ctx.queryParam("to") == null ? null : Instant.parse(ctx.queryParam("to"));
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadRequest("from and to are ISO-8601 instants, e.g. 2026-03-01T10:00:00Z");
        }
        if (!replays.tryAcquire()) {
            ctx.status(HttpStatus.TOO_MANY_REQUESTS)
                    .json(Map.of("error", "a dry run is already running on this process; try again when it is done"));
            return;
        }
        try {
            InputLog log = InputLog.read(InputLog.Source.of(orchestrator.settings(), name, from, to));
            ctx.json(DryRun.run(log, candidate).toMap());
        } finally {
            replays.release();
        }
    }

    /** Reads a definition from the body (YAML or JSON); answers 400 with every problem when it is invalid. */
    private WorkflowDefinition parse(Context ctx) {
        String source = ctx.queryParamAsClass("source", String.class).getOrDefault("request body");
        try {
            return DefinitionReader.read(ctx.body(), source);
        } catch (InvalidDefinitionException e) {
            ctx.status(HttpStatus.BAD_REQUEST)
                    .json(Map.of(
                            "valid",
                            false,
                            "error",
                            "invalid workflow definition",
                            "problems",
                            InstanceView.problems(e)));
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
        var definition = version == null
                ? orchestrator.definitions().latest(workflow)
                : orchestrator.definitions().find(workflow, version);
        if (definition.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "workflow '" + workflow + "' is not deployed"));
            return;
        }
        String id = body.hasNonNull("instanceId")
                ? body.get("instanceId").asText()
                : UUID.randomUUID().toString();
        Object input = body.has("input") ? Json.mapper().convertValue(body.get("input"), Object.class) : Map.of();
        String businessKey =
                body.hasNonNull("businessKey") ? body.get("businessKey").asText() : null;
        java.time.Instant startAt = null;
        if (body.hasNonNull("startAt")) {
            try {
                startAt = java.time.OffsetDateTime.parse(body.get("startAt").asText())
                        .toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                throw new BadRequest("field 'startAt' must be an ISO-8601 instant with an offset, e.g. "
                        + "2026-06-01T02:00:00Z; got '" + body.get("startAt").asText() + "'");
            }
        }
        java.time.Duration deadline = null;
        if (body.hasNonNull("deadline")) {
            deadline = StartRequest.deadlineOf(body.get("deadline").asText());
            if (deadline == null) {
                throw new BadRequest("field 'deadline' must be a positive ISO-8601 duration of at most P3650D, e.g. "
                        + "PT2H; got '" + body.get("deadline").asText() + "'");
            }
        }
        // A caller that traces its requests (W3C trace context) gets the instance in its own trace.
        var trace = dev.baton.server.tracing.TraceContext.of(ctx.header("traceparent"), ctx.header("tracestate"));
        orchestrator.start(id, new StartRequest(workflow, version, input, businessKey, null, startAt, deadline), trace);
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("instanceId", id, "workflow", workflow));
    }

    private void getInstance(Context ctx) {
        var owner = ctx.header(Peers.FORWARDED) == null
                ? orchestrator.remoteOwnerOf(ctx.pathParam("id"))
                : java.util.Optional.<String>empty();
        if (owner.isPresent()) {
            Peers.Answer a = peers.get(
                    owner.get(), "/api/instances/" + encode(ctx.pathParam("id")), ctx.header("Authorization"));
            ctx.status(a.status()).contentType("application/json").result(a.body());
            return;
        }
        Instance instance = orchestrator.localInstance(ctx.pathParam("id")).orElse(null);
        if (instance == null) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no instance '" + ctx.pathParam("id") + "'"));
            return;
        }
        var definition = orchestrator
                .definitions()
                .find(instance.workflow(), instance.version())
                .orElse(null);
        ctx.json(InstanceView.full(instance, definition));
    }

    /** A page of a forEach step's items, in list order: each one's state, and its output or error. */
    private void getItems(Context ctx) {
        int limit = ctx.queryParamAsClass("limit", Integer.class).getOrDefault(50);
        int offset = ctx.queryParamAsClass("offset", Integer.class).getOrDefault(0);
        if (limit < 1 || limit > 1000 || offset < 0) {
            throw new BadRequest("limit must be 1 to 1000 and offset 0 or more");
        }
        String id = ctx.pathParam("id");
        String stepId = ctx.pathParam("stepId");
        var owner = ctx.header(Peers.FORWARDED) == null
                ? orchestrator.remoteOwnerOf(id)
                : java.util.Optional.<String>empty();
        if (owner.isPresent()) {
            Peers.Answer a = peers.get(
                    owner.get(),
                    "/api/instances/" + encode(id) + "/steps/" + encode(stepId) + "/items?offset=" + offset + "&limit="
                            + limit,
                    ctx.header("Authorization"));
            ctx.status(a.status()).contentType("application/json").result(a.body());
            return;
        }
        Instance instance = orchestrator.localInstance(id).orElse(null);
        if (instance == null) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no instance '" + id + "'"));
            return;
        }
        var step = instance.step(stepId);
        if (step == null || step.fanOut() == null) {
            ctx.status(HttpStatus.NOT_FOUND)
                    .json(Map.of(
                            "error",
                            step == null
                                    ? "instance '" + id + "' has no step '" + stepId + "'"
                                    : "step '" + stepId + "' of instance '" + id + "' has no items (it is not a "
                                            + "forEach step, or has not started)"));
            return;
        }
        int total = step.fanOut().total();
        var items = new java.util.ArrayList<Map<String, Object>>();
        for (int index = offset; index < Math.min(total, offset + limit); index++) {
            var stored = orchestrator.localItem(id, stepId, index).orElse(null);
            items.add(InstanceView.item(instance, step, index, stored));
        }
        ctx.json(Map.of("total", total, "offset", offset, "limit", limit, "items", items));
    }

    private void listInstances(Context ctx) {
        int limit = ctx.queryParamAsClass("limit", Integer.class).getOrDefault(100);
        int offset = ctx.queryParamAsClass("offset", Integer.class).getOrDefault(0);
        if (limit < 1 || limit > 1000 || offset < 0) {
            throw new BadRequest("limit must be 1 to 1000 and offset 0 or more");
        }
        var params = singleValues(ctx);
        if (isLocal(ctx)) {
            InstanceQueries.Page page = queries.page(filter(params), offset, limit);
            ctx.json(Map.of(
                    "total",
                    page.total(),
                    "offset",
                    offset,
                    "limit",
                    limit,
                    "items",
                    page.items().stream().map(InstanceView::summary).toList()));
            return;
        }
        // Each process returns its newest offset+limit; the merged page is the newest of those.
        InstanceQueries.Page local = queries.page(filter(params), 0, offset + limit);
        int total = local.total();
        var items = new ArrayList<Map<String, Object>>(
                local.items().stream().map(InstanceView::summary).toList());
        for (JsonNode answer : peers.getAll(
                orchestrator.otherProcesses(), localQuery(params, 0, offset + limit), ctx.header("Authorization"))) {
            total += answer.path("total").asInt();
            for (JsonNode item : answer.path("items")) {
                items.add(Json.mapper().convertValue(item, MAP));
            }
        }
        items.sort(java.util.Comparator.comparing((Map<String, Object> m) ->
                        m.get("startedAt") == null ? Instant.MIN : Instant.parse((String) m.get("startedAt")))
                .reversed()
                .thenComparing(m -> (String) m.get("instanceId")));
        int from = Math.min(offset, items.size());
        ctx.json(Map.of(
                "total",
                total,
                "offset",
                offset,
                "limit",
                limit,
                "items",
                items.subList(from, Math.min(from + limit, items.size()))));
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP =
            new com.fasterxml.jackson.core.type.TypeReference<>() {};

    private void overview(Context ctx) {
        Map<String, Object> local =
                queries.overview(orchestrator.settings().clock().instant());
        if (isLocal(ctx) || orchestrator.otherProcesses().isEmpty()) {
            ctx.json(local);
            return;
        }
        JsonNode merged = Json.mapper().valueToTree(local);
        for (JsonNode other :
                peers.getAll(orchestrator.otherProcesses(), "/api/overview?scope=local", ctx.header("Authorization"))) {
            addCounts((com.fasterxml.jackson.databind.node.ObjectNode) merged.get("byStatus"), other.path("byStatus"));
            addCounts(
                    (com.fasterxml.jackson.databind.node.ObjectNode) merged.get("byOutcome"), other.path("byOutcome"));
            var workflows = (com.fasterxml.jackson.databind.node.ArrayNode) merged.get("workflows");
            for (JsonNode w : other.path("workflows")) {
                JsonNode mine = null;
                for (JsonNode candidate : workflows) {
                    if (candidate.path("name").asText().equals(w.path("name").asText())) {
                        mine = candidate;
                    }
                }
                if (mine == null) {
                    workflows.add(w);
                } else {
                    addCounts(
                            (com.fasterxml.jackson.databind.node.ObjectNode) mine,
                            w,
                            "running",
                            "succeeded",
                            "failed",
                            "cancelled");
                    ((com.fasterxml.jackson.databind.node.ObjectNode) mine)
                            .put(
                                    "version",
                                    Math.max(
                                            mine.path("version").asInt(),
                                            w.path("version").asInt()));
                }
            }
            var series = merged.get("throughput");
            for (int i = 0; i < series.size() && i < other.path("throughput").size(); i++) {
                addCounts(
                        (com.fasterxml.jackson.databind.node.ObjectNode) series.get(i),
                        other.path("throughput").get(i),
                        "started",
                        "succeeded",
                        "failed");
            }
        }
        ctx.json(merged);
    }

    private static void addCounts(
            com.fasterxml.jackson.databind.node.ObjectNode into, JsonNode from, String... fields) {
        Iterable<String> names = fields.length > 0 ? List.of(fields) : () -> from.fieldNames();
        for (String f : names) {
            into.put(f, into.path(f).asInt() + from.path(f).asInt());
        }
    }

    private void waiting(Context ctx) {
        List<Map<String, Object>> rows = queries.waiting();
        if (isLocal(ctx) || orchestrator.otherProcesses().isEmpty()) {
            ctx.json(rows);
            return;
        }
        var merged = new java.util.TreeMap<String, Map<String, Object>>();
        java.util.function.Consumer<Map<String, Object>> add = row -> merged.merge(
                row.get("workflow") + "\u0000" + row.get("stepId") + "\u0000" + row.get("kind") + "\u0000"
                        + row.get("version"),
                new java.util.LinkedHashMap<>(row),
                (a, b) -> {
                    a.put("waiting", ((Number) a.get("waiting")).intValue() + ((Number) b.get("waiting")).intValue());
                    if (b.get("oldestSince") != null
                            && (a.get("oldestSince") == null
                                    || Instant.parse((String) b.get("oldestSince"))
                                            .isBefore(Instant.parse((String) a.get("oldestSince"))))) {
                        a.put("oldestSince", b.get("oldestSince"));
                    }
                    return a;
                });
        rows.forEach(add);
        for (JsonNode other :
                peers.getAll(orchestrator.otherProcesses(), "/api/waiting?scope=local", ctx.header("Authorization"))) {
            other.forEach(row -> add.accept(Json.mapper().convertValue(row, MAP)));
        }
        ctx.json(List.copyOf(merged.values()));
    }

    private static boolean isLocal(Context ctx) {
        return "local".equals(ctx.queryParam("scope")) || ctx.header(Peers.FORWARDED) != null;
    }

    private static Map<String, String> singleValues(Context ctx) {
        var m = new java.util.HashMap<String, String>();
        ctx.queryParamMap().forEach((k, v) -> {
            if (!v.isEmpty()) {
                m.put(k, v.get(0));
            }
        });
        return m;
    }

    private static String localQuery(Map<String, String> params, int offset, int limit) {
        var sb = new StringBuilder("/api/instances?scope=local&offset=" + offset + "&limit=" + Math.min(1000, limit));
        params.forEach((k, v) -> {
            if (!k.equals("offset") && !k.equals("limit") && !k.equals("scope")) {
                sb.append('&').append(encode(k)).append('=').append(encode(v));
            }
        });
        return sb.toString();
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Reads a filter from query parameters or a bulk request's {@code filter} object. */
    private static InstanceQueries.Filter filter(Map<String, String> p) {
        try {
            return new InstanceQueries.Filter(
                    blankToNull(p.get("workflow")),
                    p.get("status") == null
                            ? null
                            : ProcessStatus.valueOf(p.get("status").toUpperCase(java.util.Locale.ROOT)),
                    p.get("outcome") == null
                            ? null
                            : Outcome.valueOf(p.get("outcome").toUpperCase(java.util.Locale.ROOT)),
                    blankToNull(p.get("businessKey")),
                    p.get("from") == null ? null : Instant.parse(p.get("from")),
                    p.get("to") == null ? null : Instant.parse(p.get("to")));
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new BadRequest("bad filter: status is one of " + java.util.Arrays.toString(ProcessStatus.values())
                    + ", outcome one of " + java.util.Arrays.toString(Outcome.values())
                    + ", from/to ISO-8601 instants");
        }
    }

    /** The request's {@code reason}; a recovery action must give one, since it is kept {@code keptWhere}. */
    private static String reason(JsonNode body, boolean required, String keptWhere) {
        String reason = body.hasNonNull("reason") ? body.get("reason").asText() : null;
        if (required && (reason == null || reason.isBlank())) {
            throw new BadRequest("say why in field 'reason': it is kept " + keptWhere);
        }
        return reason;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Cancel, retry, pause, resume or redrive every instance matching a filter: {@code {"action": "cancel", "filter": {...}, "reason"}}. */
    private void bulk(Context ctx) throws java.io.IOException {
        JsonNode body = jsonBody(ctx);
        String action = body.path("action").asText("");
        OperatorRequest.Operation operation = switch (action) {
            case "cancel" -> OperatorRequest.Operation.CANCEL;
            case "retry" -> OperatorRequest.Operation.RETRY;
            case "pause" -> OperatorRequest.Operation.PAUSE;
            case "resume" -> OperatorRequest.Operation.RESUME;
            case "redrive" -> OperatorRequest.Operation.REDRIVE;
            case "migrate" -> OperatorRequest.Operation.MIGRATE;
            default -> throw new BadRequest("field 'action' must be cancel, retry, pause, resume, redrive or migrate");
        };
        var filterFields = new java.util.HashMap<String, String>();
        body.path("filter")
                .fields()
                .forEachRemaining(e -> filterFields.put(e.getKey(), e.getValue().asText()));
        if (filterFields.isEmpty()) {
            throw new BadRequest(
                    "a bulk action needs a non-empty 'filter', so that it cannot hit every instance by accident");
        }
        String stepId = body.hasNonNull("stepId") ? body.get("stepId").asText() : null;
        String reason = reason(body, operation.needsReason(), "in each instance's timeline");
        String actor = access.actorOf(ctx);
        List<String> ids = queries.ids(filter(filterFields));
        var refused = new ArrayList<Map<String, Object>>();
        int count = 0;
        for (String id : ids) {
            OperatorRequest request;
            if (operation == OperatorRequest.Operation.MIGRATE) {
                request = migration(body, reason, actor);
                Optional<String> refusal = migrationRefusal(id, request);
                if (refusal.isPresent()) {
                    refused.add(Map.of("instanceId", id, "reason", refusal.get()));
                    continue;
                }
            } else {
                request = OperatorRequest.byOperator(operation, stepId, reason, actor, null);
            }
            orchestrator.operate(id, request);
            count++;
        }
        if (!isLocal(ctx)) {
            for (String peer : orchestrator.otherProcesses()) {
                Peers.Answer a = peers.post(peer, "/api/instances/bulk", ctx.body(), ctx.header("Authorization"));
                if (a.status() == 202) {
                    JsonNode answer = Json.mapper().readTree(a.body());
                    count += answer.path("instances").asInt();
                    answer.path("refused")
                            .forEach(r -> refused.add(Json.mapper().convertValue(r, MAP)));
                }
            }
        }
        var answer = new LinkedHashMap<String, Object>();
        answer.put("operation", action);
        answer.put("instances", count);
        if (operation == OperatorRequest.Operation.MIGRATE) {
            answer.put("refused", refused);
        }
        ctx.status(HttpStatus.ACCEPTED).json(answer);
    }

    /**
     * {@code {"version": 3, "mapping": {"old": "new"}, "reason": "..."}}: moves a running instance to another version.
     * Refused at once, with the reason, where its state cannot be mapped (the engine checks again when it applies the
     * request, since the instance may have moved on in between).
     */
    private void migrate(Context ctx) throws java.io.IOException {
        String id = ctx.pathParam("id");
        Optional<String> owner = orchestrator.remoteOwnerOf(id);
        if (owner.isPresent()) {
            Peers.Answer a = peers.post(
                    owner.get(), "/api/instances/" + encode(id) + "/migrate", ctx.body(), ctx.header("Authorization"));
            ctx.status(a.status()).contentType("application/json").result(a.body());
            return;
        }
        if (orchestrator.localInstance(id).isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no instance '" + id + "'"));
            return;
        }
        JsonNode body = jsonBody(ctx);
        String reason = reason(body, true, "in the instance's timeline");
        OperatorRequest request = migration(body, reason, access.actorOf(ctx));
        Optional<String> refusal = migrationRefusal(id, request);
        if (refusal.isPresent()) {
            ctx.status(HttpStatus.CONFLICT).json(Map.of("instanceId", id, "error", refusal.get()));
            return;
        }
        orchestrator.operate(id, request);
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("instanceId", id, "operation", "migrate"));
    }

    private static OperatorRequest migration(JsonNode body, String reason, String actor) {
        if (!body.path("version").canConvertToInt()) {
            throw new BadRequest("field 'version' must name the version to move to");
        }
        var mapping = new LinkedHashMap<String, String>();
        body.path("mapping")
                .fields()
                .forEachRemaining(e -> mapping.put(e.getKey(), e.getValue().asText()));
        return OperatorRequest.migrate(body.path("version").asInt(), mapping, reason, actor);
    }

    /** The engine's own check, on this process's copy of the instance. */
    private Optional<String> migrationRefusal(String id, OperatorRequest request) {
        var instance = orchestrator.localInstance(id).orElse(null);
        if (instance == null) {
            return Optional.of("no instance '" + id + "' on this process");
        }
        var registry = orchestrator.definitions();
        var current = registry.find(instance.workflow(), instance.version()).orElse(null);
        if (current == null) {
            return Optional.of("the instance's own version " + instance.version() + " is not deployed");
        }
        return dev.baton.engine.Migration.refusal(
                instance,
                current,
                registry.find(instance.workflow(), request.version()).orElse(null),
                request.mapping());
    }

    private void events(io.javalin.http.sse.SseClient client) {
        java.util.function.Consumer<String> send = json -> client.sendEvent("status", json);
        client.onClose(() -> broadcast.unsubscribe(send));
        broadcast.subscribe(send);
        client.sendComment("connected");
        client.keepAlive(); // blocks this request's thread until the client goes away, so it comes last
    }

    private void metrics(Context ctx) {
        if (prometheus == null) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "metrics are not exported by this process"));
            return;
        }
        // Waiting counts come from the store at scrape time: a count kept in memory would be lost on restart.
        waitingGauge.register(
                queries.waiting().stream()
                        .map(row -> io.micrometer.core.instrument.MultiGauge.Row.of(
                                io.micrometer.core.instrument.Tags.of(
                                        "workflow",
                                        String.valueOf(row.get("workflow")),
                                        "step",
                                        String.valueOf(row.get("stepId")),
                                        "kind",
                                        String.valueOf(row.get("kind"))),
                                ((Number) row.get("waiting")).doubleValue()))
                        .toList(),
                true);
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(prometheus.scrape());
    }

    private static String openApi() {
        try (var in = HttpApi.class.getResourceAsStream("/openapi.json")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("openapi.json is missing from the build", e);
        }
    }

    private void operate(Context ctx, OperatorRequest.Operation operation) {
        String id = ctx.pathParam("id");
        boolean known = orchestrator
                .remoteOwnerOf(id)
                .map(owner -> peers.get(owner, "/api/instances/" + encode(id), ctx.header("Authorization"))
                                .status()
                        == 200)
                .orElseGet(() -> orchestrator.localInstance(id).isPresent());
        if (!known) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no instance '" + id + "'"));
            return;
        }
        JsonNode body = ctx.body().isBlank() ? Json.mapper().createObjectNode() : jsonBody(ctx);
        String stepId = operation.needsStep()
                ? ctx.pathParam("stepId")
                : body.hasNonNull("stepId") ? body.get("stepId").asText() : null;
        String reason = reason(body, operation.needsReason(), "in the instance's timeline");
        String field = operation == OperatorRequest.Operation.RERUN ? "input" : "output";
        Object output = body.has(field) ? Json.mapper().convertValue(body.get(field), Object.class) : null;
        orchestrator.operate(id, OperatorRequest.byOperator(operation, stepId, reason, access.actorOf(ctx), output));
        ctx.status(HttpStatus.ACCEPTED)
                .json(Map.of("instanceId", id, "operation", operation.name().toLowerCase()));
    }

    /**
     * Pauses or resumes a worker topic for every orchestrator process: {@code {"reason", "releaseRate"?}}. A resume
     * keeps the pause's release rate unless it names one.
     */
    private void pauseTopic(Context ctx, boolean pause) {
        String topic = ctx.pathParam("topic");
        if (!orchestrator.settings().topicPauses()) {
            ctx.status(HttpStatus.CONFLICT)
                    .json(Map.of(
                            "error",
                            "topic pauses are off: start every orchestrator with --topic-pauses once all of them run"
                                    + " this release (it changes the topology; see docs/compatibility.md)"));
            return;
        }
        JsonNode body = ctx.body().isBlank() ? Json.mapper().createObjectNode() : jsonBody(ctx);
        String reason = reason(body, true, "with the topic's pause");
        var current = orchestrator.topicPauses().of(topic);
        if (!pause && current.map(p -> !p.paused()).orElse(true)) {
            ctx.status(HttpStatus.CONFLICT).json(Map.of("error", "topic '" + topic + "' is not paused"));
            return;
        }
        int rate = current.map(dev.baton.server.runtime.TopicPause::releaseRate)
                .orElse(dev.baton.server.runtime.TopicPause.DEFAULT_RELEASE_RATE);
        if (body.has("releaseRate")) {
            if (!body.get("releaseRate").canConvertToInt()
                    || body.get("releaseRate").asInt() < 1) {
                throw new BadRequest("field 'releaseRate' must be a whole number of records per second, at least 1");
            }
            rate = body.get("releaseRate").asInt();
        }
        try {
            var written = orchestrator.pauseTopic(topic, pause, access.actorOf(ctx), reason, rate);
            ctx.json(written.toMap());
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
    }

    /**
     * Paused topics, and resumed ones whose held commands are still going out, each with how many commands the
     * orchestrator holds for it (over every process, unless {@code scope=local}).
     */
    private void pausedTopics(Context ctx) {
        var held = new java.util.TreeMap<String, Long>(orchestrator.metrics().heldCommands());
        if (!isLocal(ctx)) {
            for (JsonNode other : peers.getAll(
                    orchestrator.otherProcesses(), "/api/topics/paused?scope=local", ctx.header("Authorization"))) {
                other.forEach(row ->
                        held.merge(row.path("topic").asText(), row.path("held").asLong(), Long::sum));
            }
        }
        var rows = new ArrayList<Map<String, Object>>();
        for (var pause : orchestrator.topicPauses().all()) {
            long n = held.getOrDefault(pause.topic(), 0L);
            if (pause.paused() || n > 0) {
                var row = new LinkedHashMap<String, Object>(pause.toMap());
                row.put("held", n);
                rows.add(row);
            }
        }
        ctx.json(rows);
    }

    /**
     * Every deployed schedule (of each workflow's newest version) with its next run, last run and pause. The state is
     * read where the schedules are owned: this request is passed on to that process.
     */
    private void listSchedules(Context ctx) {
        var owner = ctx.header(Peers.FORWARDED) == null && !isLocal(ctx)
                ? orchestrator.schedulesOwner()
                : java.util.Optional.<String>empty();
        if (owner.isPresent()) {
            Peers.Answer a = peers.get(owner.get(), "/api/schedules?scope=local", ctx.header("Authorization"));
            ctx.status(a.status()).contentType("application/json").result(a.body());
            return;
        }
        var now = orchestrator.settings().clock().instant();
        var rows = new ArrayList<Map<String, Object>>();
        for (var d : orchestrator.definitions().latestOfEach()) {
            d.schedule()
                    .ifPresent(s -> rows.add(ScheduleView.of(
                            d,
                            s,
                            orchestrator.localSchedule(d.name()),
                            now,
                            orchestrator.settings().schedules())));
        }
        ctx.json(rows);
    }

    /** Pauses or resumes a workflow's schedule: {@code {"reason"}}, kept with the pause. */
    private void pauseSchedule(Context ctx, boolean pause) {
        String workflow = ctx.pathParam("workflow");
        if (!orchestrator.settings().schedules()) {
            ctx.status(HttpStatus.CONFLICT)
                    .json(Map.of(
                            "error",
                            "schedules are off: start every orchestrator with --schedules once all of them run this"
                                    + " release (it changes the topology; see docs/compatibility.md)"));
            return;
        }
        var definition = orchestrator.definitions().latest(workflow);
        if (definition
                .flatMap(dev.baton.definition.WorkflowDefinition::schedule)
                .isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND)
                    .json(Map.of("error", "workflow '" + workflow + "' has no schedule (in its newest version)"));
            return;
        }
        JsonNode body = ctx.body().isBlank() ? Json.mapper().createObjectNode() : jsonBody(ctx);
        String reason = reason(body, true, "with the schedule's pause");
        orchestrator.pauseSchedule(workflow, pause, access.actorOf(ctx), reason);
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("workflow", workflow, "paused", pause, "reason", reason));
    }

    /** The body is the signal's payload (any JSON, or nothing). */
    private void signalInstance(Context ctx) {
        String id = ctx.pathParam("id");
        Object payload = ctx.body().isBlank() ? null : Json.mapper().convertValue(anyJson(ctx), Object.class);
        orchestrator.signal(id, new dev.baton.protocol.SignalRequest(ctx.pathParam("name"), payload));
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("instanceId", id, "signal", ctx.pathParam("name")));
    }

    /** {@code {"businessKey": "...", "payload": ...}}: the signal goes to every instance with that key; one not waiting for it ignores it. */
    private void signalByBusinessKey(Context ctx) {
        JsonNode body = jsonBody(ctx);
        String key = body.path("businessKey").asText("");
        if (key.isEmpty()) {
            throw new BadRequest("field 'businessKey' is required");
        }
        Object payload = body.has("payload") ? Json.mapper().convertValue(body.get("payload"), Object.class) : null;
        var ids = new java.util.LinkedHashSet<String>(
                queries.ids(new InstanceQueries.Filter(null, null, null, key, null, null)));
        for (JsonNode other : peers.getAll(
                orchestrator.otherProcesses(),
                "/api/instances?scope=local&limit=1000&businessKey=" + encode(key),
                ctx.header("Authorization"))) {
            other.path("items").forEach(i -> ids.add(i.path("instanceId").asText()));
        }
        ids.forEach(
                id -> orchestrator.signal(id, new dev.baton.protocol.SignalRequest(ctx.pathParam("name"), payload)));
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("signal", ctx.pathParam("name"), "instances", List.copyOf(ids)));
    }

    private static JsonNode anyJson(Context ctx) {
        try {
            return Json.mapper().readTree(ctx.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("the body is not valid JSON: " + e.getOriginalMessage());
        }
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
        if (broadcast != null) {
            broadcast.close();
            broadcast = null;
        }
    }
}
