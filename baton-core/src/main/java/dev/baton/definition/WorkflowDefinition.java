package dev.baton.definition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A workflow: named steps, their order (a step runs after the steps it names in {@code after}; steps with the same
 * predecessors run in parallel; several predecessors make a join) and their compensations.
 *
 * <pre>{@code
 * WorkflowDefinition order = WorkflowDefinition.builder("order-fulfilment")
 *     .step("reserve", s -> s.topic("stock.commands").compensate("stock.commands"))
 *     .step("charge", s -> s.topic("payments.commands").after("reserve"))
 *     .step("ship", s -> s.topic("shipping.commands").after("reserve"))
 *     .step("notify", s -> s.topic("notify.commands").after("charge", "ship"))
 *     .build();
 * }</pre>
 *
 * Instances are immutable and always valid: {@link Builder#build()} and {@link DefinitionReader} reject anything
 * else with an {@link InvalidDefinitionException}.
 */
public final class WorkflowDefinition {
    /** Where results go when a definition names no {@code resultTopic}. */
    public static final String DEFAULT_RESULT_TOPIC = "baton.results";

    private final String name;
    private final int version;
    private final String resultTopic;
    private final Trigger trigger;
    private final List<StepDefinition> steps;
    private final Map<String, StepDefinition> stepsById;
    private final Map<String, List<String>> successors;
    private final Deadline deadline;
    private final Schedule schedule;

    private WorkflowDefinition(Builder b) {
        this.name = b.name;
        this.deadline = b.deadline;
        this.schedule = b.schedule;
        this.version = b.version;
        this.resultTopic = b.resultTopic == null ? DEFAULT_RESULT_TOPIC : b.resultTopic;
        this.trigger = b.trigger;
        var built = new ArrayList<StepDefinition>();
        b.steps.forEach(s -> built.add(s.build()));
        this.steps = List.copyOf(built);
        var byId = new LinkedHashMap<String, StepDefinition>();
        steps.forEach(s -> byId.putIfAbsent(s.id(), s));
        this.stepsById = Collections.unmodifiableMap(byId);
        var next = new LinkedHashMap<String, List<String>>();
        steps.forEach(s -> next.putIfAbsent(s.id(), new ArrayList<>()));
        for (StepDefinition s : steps) {
            if (s.id() == null) {
                continue; // reported by validation; no step can wait for it
            }
            for (String p : s.after()) {
                List<String> list = next.get(p);
                if (list != null && !list.contains(s.id())) {
                    list.add(s.id());
                }
            }
        }
        next.replaceAll((k, v) -> List.copyOf(v));
        this.successors = Collections.unmodifiableMap(next);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** The deployed version; 0 until the definition has been deployed (deploying assigns the next number). */
    public int version() {
        return version;
    }

    public String resultTopic() {
        return resultTopic;
    }

    /** How long an instance may run before it fails or is cancelled; absent for no limit. */
    public Optional<Deadline> deadline() {
        return Optional.ofNullable(deadline);
    }

    /** When the workflow starts by itself; empty for a workflow that starts only on request. */
    public Optional<Schedule> schedule() {
        return Optional.ofNullable(schedule);
    }

    /** The topic whose records start instances of this workflow, if it has one. */
    public Optional<Trigger> trigger() {
        return Optional.ofNullable(trigger);
    }

    /** Steps in the order they were written. */
    public List<StepDefinition> steps() {
        return steps;
    }

    public Optional<StepDefinition> step(String id) {
        return Optional.ofNullable(stepsById.get(id));
    }

    /** Steps that name {@code id} in their {@code after}. */
    public List<String> successors(String id) {
        return successors.getOrDefault(id, List.of());
    }

    /** Every step reachable from {@code id} by following successors, excluding {@code id} itself. */
    public Set<String> descendants(String id) {
        return walk(id, this::successors);
    }

    /** Every step {@code id} transitively waits for. */
    public Set<String> ancestors(String id) {
        return walk(id, s -> step(s).map(StepDefinition::after).orElse(List.of()));
    }

    /** A copy carrying another version number; what deploying does. */
    public WorkflowDefinition withVersion(int newVersion) {
        Builder b = toBuilder();
        b.version = newVersion;
        return new WorkflowDefinition(b);
    }

    private Builder toBuilder() {
        Builder b = new Builder(name)
                .version(version)
                .resultTopic(resultTopic)
                .deadline(deadline)
                .trigger(trigger);
        b.schedule(schedule);
        for (StepDefinition s : steps) {
            b.step(s.id(), sb -> {
                sb.topic(s.topic()).after(s.after()).onFailure(s.onFailure());
                s.timeout().ifPresent(sb::timeout);
                s.when().ifPresent(sb::when);
                s.compensate().ifPresent(c -> sb.compensate(c.topic()));
                s.input().ifPresent(i -> sb.input(i.template()));
                s.outcomeTopic().ifPresent(sb::outcomeTopic);
                s.signal().ifPresent(sb::signal);
                s.workflow().ifPresent(w -> sb.workflow(w.name(), w.version()));
                s.http().ifPresent(sb::http);
                s.sleep().ifPresent(sb::sleep);
                s.repeat().ifPresent(sb::repeat);
                s.event().ifPresent(sb::event);
                s.emit().ifPresent(sb::emit);
                s.forEach().ifPresent(sb::forEach);
            });
        }
        return b;
    }

    private static Set<String> walk(String start, java.util.function.Function<String, List<String>> next) {
        var seen = new LinkedHashSet<String>();
        var queue = new ArrayDeque<>(next.apply(start));
        while (!queue.isEmpty()) {
            String s = queue.poll();
            if (seen.add(s)) {
                queue.addAll(next.apply(s));
            }
        }
        seen.remove(start);
        return seen;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkflowDefinition d
                && d.name.equals(name)
                && d.version == version
                && d.resultTopic.equals(resultTopic)
                && d.steps.equals(steps)
                && Objects.equals(d.deadline, deadline)
                && Objects.equals(d.schedule, schedule)
                && Objects.equals(d.trigger, trigger);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version);
    }

    @Override
    public String toString() {
        return "Workflow[" + name + " v" + version + ", " + steps.size() + " steps]";
    }

    /** Fluent builder; {@link #build()} validates the whole definition. */
    public static final class Builder {
        private final String name;
        private int version;
        private String resultTopic;
        private Trigger trigger;
        private final List<StepDefinition.Builder> steps = new ArrayList<>();
        private Deadline deadline;
        private Schedule schedule;

        private Builder(String name) {
            this.name = name;
        }

        /** Starts the workflow on a schedule (see {@link Schedule}); null for none. */
        public Builder schedule(Schedule schedule) {
            this.schedule = schedule;
            return this;
        }

        public Builder version(int version) {
            this.version = version;
            return this;
        }

        public Builder resultTopic(String topic) {
            this.resultTopic = topic;
            return this;
        }

        /** Ends instances still running {@code deadline.after()} after they started; {@code null} for no limit. */
        public Builder deadline(Deadline deadline) {
            this.deadline = deadline;
            return this;
        }

        /** Starts an instance for every record on the trigger's topic that its filter takes. */
        public Builder trigger(Trigger trigger) {
            this.trigger = trigger;
            return this;
        }

        public Builder step(String id, Consumer<StepDefinition.Builder> configure) {
            var step = new StepDefinition.Builder(id);
            configure.accept(step);
            steps.add(step);
            return this;
        }

        /** Validates and builds; throws {@link InvalidDefinitionException} listing every problem. */
        public WorkflowDefinition build() {
            WorkflowDefinition definition = buildUnvalidated();
            List<DefinitionProblem> problems = DefinitionValidator.validate(definition, "<builder>");
            if (!problems.isEmpty()) {
                throw new InvalidDefinitionException(problems);
            }
            return definition;
        }

        WorkflowDefinition buildUnvalidated() {
            return new WorkflowDefinition(this);
        }
    }
}
