package dev.baton.spring;

import dev.baton.worker.Worker;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Runs a Baton {@link Worker} for each command topic that a bean method annotated with {@link BatonStep} serves,
 * configured from {@code baton.worker.*} ({@link BatonWorkerProperties}). Active unless
 * {@code baton.worker.enabled=false}; an application's own {@link BatonWorkers} bean replaces the one defined here.
 */
@AutoConfiguration
@ConditionalOnClass(Worker.class)
@ConditionalOnProperty(prefix = "baton.worker", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(BatonWorkerProperties.class)
public class BatonWorkerAutoConfiguration {

    /**
     * The workers of the application's {@link BatonStep} methods.
     *
     * @param properties {@code baton.worker.*}
     * @param environment for {@code spring.kafka.bootstrap-servers}
     * @param customizers applied to every worker's options, in order
     * @return the workers, started with the application context
     */
    @Bean
    @ConditionalOnMissingBean
    public BatonWorkers batonWorkers(
            BatonWorkerProperties properties,
            Environment environment,
            ObjectProvider<BatonWorkerCustomizer> customizers) {
        return new BatonWorkers(
                properties,
                bootstrapServers(properties, environment),
                customizers.orderedStream().toList());
    }

    /**
     * {@code baton.worker.bootstrap-servers}, else {@code spring.kafka.bootstrap-servers}, else {@code null} if
     * {@code baton.worker.kafka} names {@code bootstrap.servers}, else {@code localhost:9092}.
     */
    static String bootstrapServers(BatonWorkerProperties properties, Environment environment) {
        if (properties.getBootstrapServers() != null
                && !properties.getBootstrapServers().isBlank()) {
            return properties.getBootstrapServers().trim();
        }
        List<String> spring = Binder.get(environment)
                .bind("spring.kafka.bootstrap-servers", Bindable.listOf(String.class))
                .orElse(List.of());
        if (!spring.isEmpty()) {
            return String.join(",", spring);
        }
        if (properties.getKafka().containsKey("bootstrap.servers")) {
            return null;
        }
        return BatonWorkerProperties.DEFAULT_BOOTSTRAP_SERVERS;
    }
}
