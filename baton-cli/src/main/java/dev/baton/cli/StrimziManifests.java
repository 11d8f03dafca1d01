package dev.baton.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.baton.server.runtime.ProvisioningScript;
import dev.baton.server.runtime.RequiredTopics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;

/**
 * {@link RequiredTopics} as Strimzi custom resources: a {@code KafkaTopic} per topic and one {@code KafkaUser} with
 * the orchestrator's ACLs ({@code simple} authorization), for clusters run by Strimzi's operators.
 */
final class StrimziManifests {
    static final String API_VERSION = "kafka.strimzi.io/v1beta2";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private final String cluster;
    private final String authentication;

    /**
     * @param cluster        the Strimzi {@code Kafka} resource's name, for the {@code strimzi.io/cluster} label
     * @param authentication the {@code KafkaUser}'s authentication type: {@code tls} or {@code scram-sha-512}
     */
    StrimziManifests(String cluster, String authentication) {
        this.cluster = cluster;
        this.authentication = authentication;
    }

    /** Every manifest, as one multi-document YAML stream. */
    String manifests(RequiredTopics required, List<RequiredTopics.Topic> topics, String user) {
        var out = new StringBuilder();
        out.append("# What Baton needs on the Strimzi cluster ").append(cluster).append(", as written by\n");
        out.append("# `baton topics --print --format strimzi`.\n");
        for (RequiredTopics.Topic t : topics) {
            out.append("---\n# ").append(t.purpose()).append('\n').append(yaml(kafkaTopic(t)));
        }
        out.append("---\n# The orchestrator's principal and its ACLs\n")
                .append(yaml(kafkaUser(user, required.acls("User:" + user, topics))));
        return out.toString();
    }

    Map<String, Object> kafkaTopic(RequiredTopics.Topic topic) {
        var spec = new LinkedHashMap<String, Object>();
        spec.put("topicName", topic.name());
        spec.put("partitions", topic.partitions());
        spec.put("replicas", (int) topic.replicationFactor());
        if (!topic.configs().isEmpty()) {
            spec.put("config", topic.sortedConfigs());
        }
        return resource("KafkaTopic", resourceName(topic.name()), spec);
    }

    Map<String, Object> kafkaUser(String user, List<AclBinding> acls) {
        var rules = new LinkedHashMap<ResourcePattern, List<String>>();
        for (AclBinding acl : acls) {
            rules.computeIfAbsent(acl.pattern(), p -> new ArrayList<>())
                    .add(ProvisioningScript.operationName(acl.entry().operation()));
        }
        var entries = new ArrayList<Map<String, Object>>();
        rules.forEach((pattern, operations) -> {
            var resource = new LinkedHashMap<String, Object>();
            switch (pattern.resourceType()) {
                case TOPIC -> resource.put("type", "topic");
                case GROUP -> resource.put("type", "group");
                case TRANSACTIONAL_ID -> resource.put("type", "transactionalId");
                case CLUSTER -> resource.put("type", "cluster");
                default -> throw new IllegalArgumentException("no Strimzi ACL resource for " + pattern.resourceType());
            }
            if (pattern.resourceType() != org.apache.kafka.common.resource.ResourceType.CLUSTER) {
                resource.put("name", pattern.name());
                resource.put("patternType", pattern.patternType() == PatternType.PREFIXED ? "prefix" : "literal");
            }
            var entry = new LinkedHashMap<String, Object>();
            entry.put("resource", resource);
            entry.put("operations", operations);
            entry.put("host", "*");
            entries.add(entry);
        });
        var spec = new LinkedHashMap<String, Object>();
        spec.put("authentication", Map.of("type", authentication));
        var authorization = new LinkedHashMap<String, Object>();
        authorization.put("type", "simple");
        authorization.put("acls", entries);
        spec.put("authorization", authorization);
        return resource("KafkaUser", resourceName(user), spec);
    }

    private Map<String, Object> resource(String kind, String name, Map<String, Object> spec) {
        var metadata = new LinkedHashMap<String, Object>();
        metadata.put("name", name);
        metadata.put("labels", Map.of("strimzi.io/cluster", cluster));
        var r = new LinkedHashMap<String, Object>();
        r.put("apiVersion", API_VERSION);
        r.put("kind", kind);
        r.put("metadata", metadata);
        r.put("spec", spec);
        return r;
    }

    /**
     * A Kubernetes resource name for a Kafka name: lower case letters, digits, '.' and '-'. A name that had to change
     * gets a suffix from its hash, so that {@code Orders_A} and {@code orders-a} stay two resources; the real name is
     * in {@code spec.topicName}.
     */
    static String resourceName(String kafkaName) {
        String name = kafkaName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        name = name.replaceAll("^[^a-z0-9]+", "").replaceAll("[^a-z0-9]+$", "");
        if (!name.equals(kafkaName) || name.isEmpty()) {
            name = (name.isEmpty() ? "topic" : name) + "-" + Integer.toHexString(kafkaName.hashCode());
        }
        return name.length() <= 253 ? name : name.substring(0, 244) + "-" + Integer.toHexString(kafkaName.hashCode());
    }

    private static String yaml(Object document) {
        try {
            return YAML.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
