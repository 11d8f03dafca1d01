package dev.baton.server.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;

/**
 * {@link RequiredTopics} as the {@code kafka-topics.sh} and {@code kafka-acls.sh} commands of Apache Kafka's
 * distribution that create them: what {@code baton topics --print} writes, and what the orchestrator quotes for a
 * missing topic.
 */
public final class ProvisioningScript {
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9._:/=,@+-]+");

    private final String bootstrapServers;
    private final Optional<String> commandConfig;

    /**
     * @param bootstrapServers the cluster the commands talk to
     * @param commandConfig    an admin client properties file for the commands ({@code --command-config}), if any
     */
    public ProvisioningScript(String bootstrapServers, Optional<String> commandConfig) {
        this.bootstrapServers = bootstrapServers;
        this.commandConfig = commandConfig;
    }

    /** The command that creates {@code topic}; {@code --if-not-exists} makes the script safe to run again. */
    public String createTopic(RequiredTopics.Topic topic) {
        var words = new ArrayList<>(List.of("kafka-topics.sh"));
        connection(words);
        words.addAll(List.of(
                "--create",
                "--if-not-exists",
                "--topic",
                topic.name(),
                "--partitions",
                String.valueOf(topic.partitions()),
                "--replication-factor",
                String.valueOf(topic.replicationFactor())));
        topic.sortedConfigs().forEach((k, v) -> words.addAll(List.of("--config", k + "=" + v)));
        return line(words);
    }

    /** One {@code kafka-acls.sh --add} command per resource and principal, with all of its operations. */
    public List<String> addAcls(List<AclBinding> acls) {
        var byResource = new LinkedHashMap<List<Object>, List<AclOperation>>();
        for (AclBinding acl : acls) {
            byResource
                    .computeIfAbsent(
                            List.of(
                                    acl.pattern(),
                                    acl.entry().principal(),
                                    acl.entry().host()),
                            k -> new ArrayList<>())
                    .add(acl.entry().operation());
        }
        var lines = new ArrayList<String>();
        byResource.forEach((key, operations) -> {
            var pattern = (ResourcePattern) key.get(0);
            var words = new ArrayList<>(List.of("kafka-acls.sh"));
            connection(words);
            words.addAll(List.of("--add", "--allow-principal", (String) key.get(1)));
            if (!"*".equals(key.get(2))) {
                words.addAll(List.of("--allow-host", (String) key.get(2)));
            }
            for (AclOperation op : operations) {
                words.addAll(List.of("--operation", operationName(op)));
            }
            words.addAll(resource(pattern));
            if (pattern.patternType() == PatternType.PREFIXED) {
                words.addAll(List.of("--resource-pattern-type", "prefixed"));
            }
            lines.add(line(words));
        });
        return lines;
    }

    /** A whole shell script: every topic, then every ACL {@code principal} needs. */
    public String script(RequiredTopics required, List<RequiredTopics.Topic> topics, String principal) {
        var out = new StringBuilder();
        out.append("#!/bin/sh\n");
        out.append("# What Baton needs on the cluster at ")
                .append(bootstrapServers)
                .append(", as written by\n");
        out.append("# `baton topics --print`. Run it as an administrator; it is safe to run again.\n");
        out.append("set -e\n\n");
        out.append("# Topics\n");
        for (RequiredTopics.Topic t : topics) {
            out.append("# ").append(t.purpose()).append('\n');
            out.append(createTopic(t)).append('\n');
        }
        out.append("\n# ACLs of the orchestrator's principal: its topics, consumer groups ")
                .append(String.join(" and ", required.consumerGroups()))
                .append(",\n# the transactional ids of exactly-once and idempotent writes\n");
        for (String line : addAcls(required.acls(principal, topics))) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    private void connection(List<String> words) {
        words.addAll(List.of("--bootstrap-server", bootstrapServers));
        commandConfig.ifPresent(file -> words.addAll(List.of("--command-config", file)));
    }

    private static List<String> resource(ResourcePattern pattern) {
        return switch (pattern.resourceType()) {
            case TOPIC -> List.of("--topic", pattern.name());
            case GROUP -> List.of("--group", pattern.name());
            case TRANSACTIONAL_ID -> List.of("--transactional-id", pattern.name());
            case CLUSTER -> List.of("--cluster");
            default -> throw new IllegalArgumentException("no kafka-acls.sh option for " + pattern.resourceType());
        };
    }

    /** How kafka-acls.sh (and Strimzi) spell an operation: {@code Read}, {@code DescribeConfigs}. */
    public static String operationName(AclOperation op) {
        var name = new StringBuilder();
        for (String part : op.name().split("_")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return name.toString();
    }

    private static String line(List<String> words) {
        var quoted = new ArrayList<String>();
        for (String w : words) {
            quoted.add(PLAIN_WORD.matcher(w).matches() ? w : "'" + w.replace("'", "'\"'\"'") + "'");
        }
        return String.join(" ", quoted);
    }
}
