package dev.baton.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.Failure;
import dev.baton.engine.Notification;
import dev.baton.engine.Notification.CompensationCompleted;
import dev.baton.engine.Notification.CompensationFailed;
import dev.baton.engine.Notification.CompensationStarted;
import dev.baton.engine.Notification.IgnoredBecause;
import dev.baton.engine.Notification.IncidentRaised;
import dev.baton.engine.Notification.InstanceCompleted;
import dev.baton.engine.Notification.InstanceFailing;
import dev.baton.engine.Notification.InstanceMigrated;
import dev.baton.engine.Notification.InstanceStarted;
import dev.baton.engine.Notification.OperatorActed;
import dev.baton.engine.Notification.OperatorAction;
import dev.baton.engine.Notification.OutcomeIgnored;
import dev.baton.engine.Notification.RequestIgnored;
import dev.baton.engine.Notification.StepAbandoned;
import dev.baton.engine.Notification.StepCompleted;
import dev.baton.engine.Notification.StepFailed;
import dev.baton.engine.Notification.StepRedriven;
import dev.baton.engine.Notification.StepRetryScheduled;
import dev.baton.engine.Notification.StepSkipped;
import dev.baton.engine.Notification.StepStarted;
import dev.baton.engine.Notification.StepTimedOut;
import dev.baton.engine.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The "Status notification" section of docs/protocol.md is the contract of {@code baton.status}: for every
 * notification type it has a {@code ### Type} heading, a table of the type's own fields and one JSON example. This
 * test writes one notification of every type with {@link StatusMessage} and requires the doc's example to be exactly
 * that JSON (same type name, fields, values and field order), so the writer and the doc cannot drift apart.
 *
 * <p>A new {@link Notification} type fails {@link #shouldHaveAnExampleOfEveryNotificationType()} until it has: a
 * wire name and a branch in {@link StatusMessage} (see {@link StatusMessage.Types}), an example in {@link
 * #EXAMPLES} below, and a {@code ### Type} subsection in docs/protocol.md with its table and that example's JSON.
 */
class StatusMessagesDocumentedTest {

    private static final Path PROTOCOL = Path.of("../docs/protocol.md");
    private static final String SECTION = "## Status notification";
    private static final String WORKFLOW = "order-fulfilment";
    private static final String ID = "order-7";
    private static final Instant AT = Instant.parse("2026-11-26T10:15:02.113Z");

    /** Fields every notification has first and last; the others are listed in each type's own table. */
    private static final List<String> LEADING = List.of("type", "workflow", "instanceId");

    private static final List<String> TRAILING = List.of("at");

    private static final Failure DECLINED = new Failure("charge", "CardDeclined", "card declined by issuer");

    /** One notification of every type, the doc's example of it; values as a real order-fulfilment run has them. */
    private static final List<Notification> EXAMPLES = List.of(
            new InstanceStarted(ID, WORKFLOW, 2, AT),
            new StepStarted(ID, "charge", "order-7/charge/1", 1, AT),
            new StepCompleted(ID, "charge", "order-7/charge/1", AT),
            new StepSkipped(ID, "gift-wrap", AT),
            new StepFailed(ID, "charge", "order-7/charge/1", DECLINED, AT),
            new StepRetryScheduled(
                    ID,
                    "notify-crm",
                    "order-7/notify-crm/1",
                    new Failure("notify-crm", "HTTP_503", "503 Service Unavailable"),
                    1,
                    Instant.parse("2026-11-26T10:15:04.113Z"),
                    AT),
            new StepTimedOut(ID, "ship", "order-7/ship/1", AT),
            new StepAbandoned(ID, "approve", "order-7/approve/1", AT),
            new InstanceFailing(ID, Outcome.FAILED, DECLINED, AT),
            new CompensationStarted(ID, "reserve", "order-7/reserve/1/compensate/1", AT),
            new CompensationCompleted(ID, "reserve", "order-7/reserve/1/compensate/1", AT),
            new CompensationFailed(
                    ID,
                    "reserve",
                    "order-7/reserve/1/compensate/1",
                    new Failure("reserve", "StockServiceDown", "stock service unavailable"),
                    AT),
            new IncidentRaised(ID, "reserve", "compensation of 'reserve' failed; retry it", AT),
            new InstanceCompleted(ID, Outcome.FAILED, AT),
            new OutcomeIgnored(ID, "charge", "order-7/charge/1", IgnoredBecause.DUPLICATE, AT),
            new RequestIgnored(ID, "StartInstance", "an instance with this id exists already", AT),
            new StepRedriven(ID, "charge", AT),
            new InstanceMigrated(ID, 2, 3, AT),
            new OperatorActed(ID, OperatorAction.COMPLETE_STEP, "charge", "ops-alice", "charged by phone", AT),
            new Notification.InstanceScheduled(ID, WORKFLOW, 2, Instant.parse("2026-11-27T02:00:00Z"), AT),
            new Notification.StepSleeping(
                    ID, "until-batch", "order-7/until-batch/1", Instant.parse("2026-11-27T02:00:00Z"), AT),
            new Notification.StepRoundCompleted(
                    ID, "track", "order-7/track/2", 2, Instant.parse("2026-11-26T10:20:02.113Z"), AT));

    static Stream<Notification> examples() {
        return EXAMPLES.stream();
    }

    @Test
    void shouldHaveAnExampleOfEveryNotificationType() {
        List<Class<?>> covered =
                EXAMPLES.stream().<Class<?>>map(Object::getClass).toList();
        assertThat(covered)
                .as("one example per Notification type: for a new type, give it a wire name and a branch in "
                        + "StatusMessage (StatusMessage.Types), add an example to EXAMPLES here, and document it "
                        + "under '### <Type>' in docs/protocol.md, section '" + SECTION + "' (table and JSON)")
                .containsExactlyInAnyOrder(Notification.class.getPermittedSubclasses());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void shouldWriteEachNotificationExactlyAsDocumented(Notification example) throws IOException {
        JsonNode written = Json.mapper().readTree(StatusMessage.toJson(example, WORKFLOW));
        String type = written.path("type").asText();
        Map<String, DocumentedType> documented = documentedTypes();

        assertThat(documented)
                .as("docs/protocol.md documents the type %s", type)
                .containsKey(type);
        JsonNode expected = documented.get(type).example();
        assertThat(written).as("%s as written vs. as documented", type).isEqualTo(expected);
        assertThat(fieldNames(written)).as("%s field order", type).isEqualTo(fieldNames(expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void shouldListEveryFieldOfEachTypeInItsTable(Notification example) throws IOException {
        JsonNode written = Json.mapper().readTree(StatusMessage.toJson(example, WORKFLOW));
        String type = written.path("type").asText();
        DocumentedType documented = documentedTypes().get(type);
        assertThat(documented)
                .as("docs/protocol.md documents the type %s", type)
                .isNotNull();

        List<String> fields = new ArrayList<>(LEADING);
        fields.addAll(documented.ownFields());
        fields.addAll(TRAILING);
        assertThat(fieldNames(written))
                .as("%s: fields written vs. the doc's table", type)
                .isEqualTo(fields);
    }

    @Test
    void shouldDocumentOnlyTypesThatBatonWrites() throws IOException {
        List<String> written = EXAMPLES.stream()
                .map(n ->
                        readTree(StatusMessage.toJson(n, WORKFLOW)).path("type").asText())
                .toList();
        assertThat(documentedTypes().keySet()).containsExactlyInAnyOrderElementsOf(written);
    }

    // --- reading the doc --------------------------------------------------------------------------------------

    private record DocumentedType(List<String> ownFields, JsonNode example) {}

    private static final Pattern SUBSECTION = Pattern.compile("(?m)^### `?([A-Za-z]+)`?\\s*$");
    private static final Pattern JSON_BLOCK = Pattern.compile("(?s)```json\\n(.*?)```");
    private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\|\\s*`([A-Za-z]+)`\\s*\\|");

    /** Each {@code ### Type} subsection of the status section: its table's field names and its one JSON example. */
    private static Map<String, DocumentedType> documentedTypes() throws IOException {
        String doc = Files.readString(PROTOCOL);
        int start = doc.indexOf("\n" + SECTION + "\n");
        assertThat(start).as("docs/protocol.md has a section '%s'", SECTION).isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        String section = doc.substring(start, end < 0 ? doc.length() : end);

        Map<String, DocumentedType> types = new LinkedHashMap<>();
        Matcher heading = SUBSECTION.matcher(section);
        boolean more = heading.find();
        while (more) {
            String name = heading.group(1);
            int from = heading.end();
            more = heading.find();
            String body = section.substring(from, more ? heading.start() : section.length());

            List<String> blocks = matches(JSON_BLOCK, body);
            assertThat(blocks).as("'### %s' has exactly one json example", name).hasSize(1);
            JsonNode example = readTree(blocks.get(0).getBytes(StandardCharsets.UTF_8));
            assertThat(example.path("type").asText())
                    .as("the example under '### %s' is of that type", name)
                    .isEqualTo(name);

            var documented = new DocumentedType(matches(TABLE_ROW, body), example);
            assertThat(types.put(name, documented))
                    .as("'### %s' appears once", name)
                    .isNull();
        }
        return types;
    }

    private static List<String> matches(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode readTree(byte[] json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(json, StandardCharsets.UTF_8), e);
        }
    }
}
