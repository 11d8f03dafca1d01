package dev.baton.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.internals.SecurityUtils;

/**
 * Reads the commands of a script {@code baton topics --print} wrote the way kafka-topics.sh and kafka-acls.sh read
 * their options, so that tests can apply the script through the Admin client and prove it right.
 */
final class ScriptLines {
    private ScriptLines() {}

    /** The topics the script's {@code kafka-topics.sh --create} lines create. */
    static List<NewTopic> topics(String script) {
        var topics = new ArrayList<NewTopic>();
        for (List<String> words : commands(script, "kafka-topics.sh")) {
            var configs = new LinkedHashMap<String, String>();
            String name = null;
            int partitions = -1;
            short replication = -1;
            for (int i = 1; i < words.size(); i++) {
                switch (words.get(i)) {
                    case "--topic" -> name = words.get(++i);
                    case "--partitions" -> partitions = Integer.parseInt(words.get(++i));
                    case "--replication-factor" -> replication = Short.parseShort(words.get(++i));
                    case "--config" -> {
                        String[] kv = words.get(++i).split("=", 2);
                        configs.put(kv[0], kv[1]);
                    }
                    case "--bootstrap-server", "--command-config" -> i++;
                    case "--create", "--if-not-exists" -> {}
                    default -> throw new IllegalArgumentException("unknown kafka-topics.sh option " + words.get(i));
                }
            }
            topics.add(new NewTopic(name, partitions, replication).configs(configs));
        }
        return topics;
    }

    /** The ACLs the script's {@code kafka-acls.sh --add} lines add, one binding per operation. */
    static List<AclBinding> acls(String script) {
        var acls = new ArrayList<AclBinding>();
        for (List<String> words : commands(script, "kafka-acls.sh")) {
            String principal = null;
            String host = "*";
            var operations = new ArrayList<AclOperation>();
            ResourceType type = null;
            String name = null;
            PatternType pattern = PatternType.LITERAL;
            for (int i = 1; i < words.size(); i++) {
                switch (words.get(i)) {
                    case "--allow-principal" -> principal = words.get(++i);
                    case "--allow-host" -> host = words.get(++i);
                    // why Kafka's own parser: it is the one kafka-acls.sh reads --operation with
                    case "--operation" -> operations.add(SecurityUtils.operation(words.get(++i)));
                    case "--topic" -> {
                        type = ResourceType.TOPIC;
                        name = words.get(++i);
                    }
                    case "--group" -> {
                        type = ResourceType.GROUP;
                        name = words.get(++i);
                    }
                    case "--transactional-id" -> {
                        type = ResourceType.TRANSACTIONAL_ID;
                        name = words.get(++i);
                    }
                    case "--cluster" -> {
                        type = ResourceType.CLUSTER;
                        name = "kafka-cluster";
                    }
                    case "--resource-pattern-type" -> // kafka-acls.sh reads it ignoring case
                        pattern = PatternType.valueOf(words.get(++i).toUpperCase(Locale.ROOT));
                    case "--bootstrap-server", "--command-config" -> i++;
                    case "--add" -> {}
                    default -> throw new IllegalArgumentException("unknown kafka-acls.sh option " + words.get(i));
                }
            }
            for (AclOperation op : operations) {
                acls.add(new AclBinding(
                        new ResourcePattern(type, name, pattern),
                        new AccessControlEntry(principal, host, op, AclPermissionType.ALLOW)));
            }
        }
        return acls;
    }

    /** The script's lines that run {@code command}, split into words as sh would (single quotes only). */
    static List<List<String>> commands(String script, String command) {
        var commands = new ArrayList<List<String>>();
        for (String line : script.split("\n")) {
            List<String> words = words(line);
            if (!words.isEmpty() && words.get(0).equals(command)) {
                commands.add(words);
            }
        }
        return commands;
    }

    /** The topic of each {@code kafka-topics.sh} line, mapped to the line. */
    static Map<String, String> topicLines(String script) {
        var lines = new LinkedHashMap<String, String>();
        for (String line : script.split("\n")) {
            List<String> words = words(line);
            if (!words.isEmpty() && words.get(0).equals("kafka-topics.sh")) {
                lines.put(words.get(words.indexOf("--topic") + 1), line);
            }
        }
        return lines;
    }

    private static List<String> words(String line) {
        var words = new ArrayList<String>();
        var word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (char c : line.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
                inWord = true;
            } else if (c == ' ' && !quoted) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (c == '#' && !quoted && !inWord && words.isEmpty()) {
                return List.of();
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
