package dev.baton.spring;

import dev.baton.worker.RetryPolicy;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerOptions;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * The workers of an application's {@link BatonStep} and {@link BatonCompensation} methods: one
 * {@link Worker} per command topic. Created by the starter's auto-configuration; inject it to see which workers run.
 *
 * <p>Once all singletons are instantiated, it finds the annotated methods of singleton beans and checks them (the
 * application fails to start on a bad signature, two methods for one topic, a compensation without a step, or a
 * {@code compensate = true} step without a compensation). As a {@link SmartLifecycle} it starts the workers when the
 * context has been refreshed (unless {@code baton.worker.auto-startup=false}) and stops them first on shutdown:
 * each finishes the commands in flight, publishes their outcomes and commits, within
 * {@code baton.worker.shutdown-timeout}. After a stop, {@link #start()} starts new workers.
 */
public final class BatonWorkers
        implements SmartInitializingSingleton, SmartLifecycle, BeanFactoryAware, DisposableBean {

    private static final Log LOG = LogFactory.getLog(BatonWorkers.class);

    private final BatonWorkerProperties properties;
    private final String bootstrapServers;
    private final List<BatonWorkerCustomizer> customizers;
    private final Object lock = new Object();
    private ConfigurableListableBeanFactory beanFactory;
    private final Map<String, Registration> registrations = new LinkedHashMap<>();
    private Map<String, Worker> workers = Map.of();
    private volatile boolean running;

    /**
     * @param properties {@code baton.worker.*}
     * @param bootstrapServers the resolved bootstrap servers, or {@code null} to take {@code bootstrap.servers}
     *     from {@link BatonWorkerProperties#getKafka()}
     * @param customizers applied to each worker's options, in order
     */
    BatonWorkers(BatonWorkerProperties properties, String bootstrapServers, List<BatonWorkerCustomizer> customizers) {
        this.properties = Objects.requireNonNull(properties, "properties");
        this.bootstrapServers = bootstrapServers;
        this.customizers = List.copyOf(customizers);
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
        if (!(beanFactory instanceof ConfigurableListableBeanFactory factory)) {
            throw new IllegalStateException("BatonWorkers needs a ConfigurableListableBeanFactory, got " + beanFactory);
        }
        this.beanFactory = factory;
    }

    /** A command topic's handlers and options. */
    private record Registration(String topic, StepMethod execute, StepMethod compensate, WorkerOptions options) {}

    /** An annotated method of a bean. */
    private record Candidate(Object bean, Method declared, Method invocable, String annotation) {
        String description() {
            return StepMethod.describe(declared);
        }

        StepMethod handler(WorkerOptions options) {
            return new StepMethod(bean, declared, invocable, annotation, options.objectMapper());
        }
    }

    private static final class Found {
        Candidate execute;
        Candidate compensate;
        boolean compensationRequired;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Map<String, Found> byTopic = new TreeMap<>();
        for (String name : beanFactory.getBeanNamesForType(Object.class, false, true)) {
            if (ScopedProxyUtils.isScopedTarget(name)) {
                continue;
            }
            Class<?> type = AutoProxyUtils.determineTargetClass(beanFactory, name);
            if (type == null || type == BatonWorkers.class) {
                continue;
            }
            type = ClassUtils.getUserClass(type);
            Map<Method, BatonStep> steps =
                    MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<BatonStep>)
                            m -> AnnotatedElementUtils.findMergedAnnotation(m, BatonStep.class));
            Map<Method, BatonCompensation> compensations =
                    MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<BatonCompensation>)
                            m -> AnnotatedElementUtils.findMergedAnnotation(m, BatonCompensation.class));
            if (steps.isEmpty() && compensations.isEmpty()) {
                continue;
            }
            Object bean = beanFactory.getBean(name);
            steps.forEach((method, step) -> {
                String topic = resolve(step.topic(), "@BatonStep", method);
                Found f = byTopic.computeIfAbsent(topic, t -> new Found());
                Candidate c = candidate(bean, method, "@BatonStep");
                if (f.execute != null) {
                    throw new IllegalStateException("Two @BatonStep methods for topic '" + topic + "': "
                            + f.execute.description() + " and " + c.description());
                }
                f.execute = c;
                f.compensationRequired = step.compensate();
            });
            compensations.forEach((method, compensation) -> {
                String topic = resolve(compensation.topic(), "@BatonCompensation", method);
                Found f = byTopic.computeIfAbsent(topic, t -> new Found());
                Candidate c = candidate(bean, method, "@BatonCompensation");
                if (f.compensate != null) {
                    throw new IllegalStateException("Two @BatonCompensation methods for topic '" + topic + "': "
                            + f.compensate.description() + " and " + c.description());
                }
                f.compensate = c;
            });
        }
        byTopic.forEach((topic, f) -> {
            if (f.execute == null) {
                throw new IllegalStateException("@BatonCompensation method " + f.compensate.description()
                        + " handles topic '" + topic + "', but no @BatonStep method does: add one for that topic");
            }
            if (f.compensationRequired && f.compensate == null) {
                throw new IllegalStateException(
                        "@BatonStep method " + f.execute.description() + " says compensate = true,"
                                + " but no @BatonCompensation method handles topic '" + topic + "'");
            }
            WorkerOptions options = options(topic, f.execute);
            registrations.put(
                    topic,
                    new Registration(
                            topic,
                            f.execute.handler(options),
                            f.compensate == null ? null : f.compensate.handler(options),
                            options));
        });
    }

    private String resolve(String topic, String annotation, Method method) {
        String resolved = beanFactory.resolveEmbeddedValue(topic);
        if (resolved == null || resolved.isBlank()) {
            throw new IllegalStateException(annotation + " on " + StepMethod.describe(method) + " has no topic");
        }
        return resolved.trim();
    }

    private static Candidate candidate(Object bean, Method method, String annotation) {
        return new Candidate(bean, method, AopUtils.selectInvocableMethod(method, bean.getClass()), annotation);
    }

    private WorkerOptions options(String topic, Candidate execute) {
        BatonWorkerProperties.Step step = properties.getSteps().getOrDefault(topic, new BatonWorkerProperties.Step());
        BatonWorkerProperties.Retry r = properties.getRetry();
        BatonWorkerProperties.RetryOverride o = step.getRetry();
        try {
            RetryPolicy retry = RetryPolicy.newBuilder()
                    .maxAttempts(o.getMaxAttempts() != null ? o.getMaxAttempts() : r.getMaxAttempts())
                    .initialBackoff(o.getInitialBackoff() != null ? o.getInitialBackoff() : r.getInitialBackoff())
                    .maxBackoff(o.getMaxBackoff() != null ? o.getMaxBackoff() : r.getMaxBackoff())
                    .multiplier(o.getMultiplier() != null ? o.getMultiplier() : r.getMultiplier())
                    .jitter(r.getJitter())
                    .doNotRetry(r.getDoNotRetry().toArray(new Class[0]))
                    .build();
            WorkerOptions.Builder b = WorkerOptions.newBuilder()
                    .commandTopic(topic)
                    .groupId(
                            step.getGroupId() != null
                                    ? step.getGroupId()
                                    : properties.getGroupIdPrefix() + topic + "-worker")
                    .concurrency(step.getConcurrency() != null ? step.getConcurrency() : properties.getConcurrency())
                    .retryPolicy(retry)
                    .kafkaProperties(properties.getKafka())
                    .maxPollRecords(properties.getMaxPollRecords())
                    .shutdownTimeout(properties.getShutdownTimeout())
                    .redeliveryCacheSize(properties.getRedeliveryCacheSize());
            if (bootstrapServers != null) {
                b.bootstrapServers(bootstrapServers);
            }
            if (step.getOutcomeTopic() != null && !step.getOutcomeTopic().isBlank()) {
                b.outcomeTopic(step.getOutcomeTopic());
            }
            customizers.forEach(c -> c.customize(topic, b));
            return b.build();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "Invalid Baton worker settings for topic '" + topic + "' (@BatonStep method "
                            + execute.description() + "): " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void start() {
        synchronized (lock) {
            if (running) {
                return;
            }
            Map<String, Worker> started = new LinkedHashMap<>();
            try {
                for (Registration r : registrations.values()) {
                    Worker worker = Worker.create(r.options(), r.execute());
                    if (r.compensate() != null) {
                        worker.onCompensate(r.compensate());
                    }
                    worker.start();
                    started.put(r.topic(), worker);
                    LOG.info("Baton worker started: topic '" + r.topic() + "', group '"
                            + r.options().groupId()
                            + "', concurrency " + r.options().concurrency() + ", step "
                            + r.execute().description()
                            + (r.compensate() != null
                                    ? ", compensation " + r.compensate().description()
                                    : ""));
                }
            } catch (RuntimeException e) {
                started.values().forEach(Worker::close);
                throw e;
            }
            workers = Collections.unmodifiableMap(started);
            running = true;
        }
    }

    @Override
    public void stop() {
        synchronized (lock) {
            if (!running) {
                return;
            }
            // Close in parallel: each waits for its commands in flight, up to baton.worker.shutdown-timeout.
            List<Thread> closing = new ArrayList<>();
            workers.forEach((topic, worker) -> {
                Thread t = new Thread(worker::close, "baton-worker-close-" + topic);
                t.start();
                closing.add(t);
            });
            for (Thread t : closing) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            running = false;
            LOG.info("Baton workers stopped: " + workers.keySet());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public boolean isAutoStartup() {
        return properties.isAutoStartup();
    }

    /** Started last, stopped first: handlers can use every other bean while a command is in flight. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    @Override
    public void destroy() {
        stop();
    }

    /**
     * The running workers by command topic.
     *
     * @return an unmodifiable map, empty while stopped
     */
    public Map<String, Worker> workers() {
        synchronized (lock) {
            return running ? workers : Map.of();
        }
    }

    /**
     * The running worker of a command topic.
     *
     * @param topic a command topic, as resolved from a {@link BatonStep#topic()}
     * @return the worker, or empty if none runs for that topic
     */
    public Optional<Worker> worker(String topic) {
        return Optional.ofNullable(workers().get(topic));
    }

    /**
     * The command topics that have a {@link BatonStep} method, whether their workers run or not.
     *
     * @return the topics, sorted
     */
    public List<String> topics() {
        return List.copyOf(registrations.keySet());
    }

    /**
     * The options a topic's worker runs with: {@code baton.worker.*} and the customizers applied.
     *
     * @param topic a command topic
     * @return the options, or empty if no {@link BatonStep} method handles that topic
     */
    public Optional<WorkerOptions> options(String topic) {
        Registration r = registrations.get(topic);
        return r == null ? Optional.empty() : Optional.of(r.options());
    }

    /** The handler of a topic's execute ({@code compensate == false}) or compensate commands, for tests. */
    Optional<dev.baton.worker.StepHandler> handler(String topic, boolean compensate) {
        Registration r = registrations.get(topic);
        return r == null ? Optional.empty() : Optional.ofNullable(compensate ? r.compensate() : r.execute());
    }

    @Override
    public String toString() {
        return "BatonWorkers{topics=" + registrations.keySet() + ", running=" + running + '}';
    }
}
