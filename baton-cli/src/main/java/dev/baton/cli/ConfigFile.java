package dev.baton.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code baton server --config} file: one {@code name = value} a line, where a name is a command-line option
 * without its leading dashes ({@code bootstrap-servers = kafka-1:9092}). Lines starting with {@code #} or {@code !}
 * are comments. Values are taken as written, without the backslash escapes of Java properties files, so Windows paths
 * need no doubling.
 */
record ConfigFile(Path path, Map<String, String> values) {

    /**
     * Reads {@code path}, refusing a name that is not in {@code known} or that appears twice, with the file and line
     * in the message: a misspelt setting would otherwise be ignored without a word.
     */
    static ConfigFile read(Path path, Set<String> known) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the config file " + path + ": " + e);
        }
        var values = new LinkedHashMap<String, String>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            String where = path + ":" + (i + 1) + ": ";
            int separator = separatorOf(line);
            if (separator < 0) {
                throw new IllegalArgumentException(where + "expected 'name = value', got '" + line + "'");
            }
            String name = line.substring(0, separator).strip();
            String value = line.substring(separator + 1).strip();
            if (!known.contains(name)) {
                throw new IllegalArgumentException(where + "unknown setting '" + name + "'; known settings: "
                        + String.join(", ", known.stream().sorted().toList()));
            }
            if (values.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException(where + "'" + name + "' is set twice");
            }
        }
        return new ConfigFile(path, Map.copyOf(values));
    }

    private static int separatorOf(String line) {
        int equals = line.indexOf('=');
        int colon = line.indexOf(':');
        if (equals < 0) {
            return colon;
        }
        return colon < 0 ? equals : Math.min(equals, colon);
    }
}
