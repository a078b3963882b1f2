package dev.crater;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Goal: the feature boundaries of docs/architecture.md hold as the code grows — no two packages
 * depend on each other (directly or round a loop), HTTP routes hold no SQL, and code names classes
 * by import, not by fully qualified name.
 *
 * <p>Method: reads the sources under {@code src/main/java} (the imports and the code of each file).
 */
class PackageBoundariesTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.crater\\.([a-z][\\w.]*?)\\.[A-Z]",
            Pattern.MULTILINE);
    private static final Pattern QUALIFIED_USE = Pattern.compile("(?<![\\w.])dev\\.crater\\.[a-z][\\w.]*\\.[A-Z]");

    private static Map<Path, String> sources() {
        Map<Path, String> all = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                all.put(MAIN.relativize(f), Files.readString(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(all).as("sources under " + MAIN.toAbsolutePath()).hasSizeGreaterThan(100);
        return all;
    }

    private static String packageOf(Path file) {
        Path dir = file.getParent();
        String p = dir == null ? "" : dir.toString().replace('/', '.').replace('\\', '.');
        return p.equals("dev.crater") ? "(root)" : p.substring("dev.crater.".length());
    }

    @Test
    void noPackageCycles() {
        Map<String, Set<String>> uses = new TreeMap<>();
        sources().forEach((file, text) -> {
            String from = packageOf(file);
            Set<String> to = uses.computeIfAbsent(from, k -> new TreeSet<>());
            Matcher m = IMPORT.matcher(text);
            while (m.find()) {
                if (!m.group(1).equals(from)) {
                    to.add(m.group(1));
                }
            }
        });
        List<String> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            // A path from a package back to itself is a cycle; report each once, from its smallest member.
            Deque<List<String>> paths = new ArrayDeque<>();
            paths.add(List.of(start));
            Set<String> seen = new TreeSet<>();
            while (!paths.isEmpty()) {
                List<String> path = paths.poll();
                for (String next : uses.getOrDefault(path.getLast(), Set.of())) {
                    if (next.equals(start) && path.stream().allMatch(p -> p.compareTo(start) >= 0)) {
                        cycles.add(String.join(" -> ", path) + " -> " + start);
                    } else if (seen.add(next)) {
                        List<String> longer = new ArrayList<>(path);
                        longer.add(next);
                        paths.add(longer);
                    }
                }
            }
        }
        assertThat(cycles).as("package cycles").isEmpty();
    }

    @Test
    void routesHoldNoSql() {
        Map<String, String> offenders = new HashMap<>();
        sources().forEach((file, text) -> {
            if (file.getFileName().toString().endsWith("Routes.java")
                    && (text.contains("import org.jdbi.") || text.contains("java.sql."))) {
                offenders.put(file.toString(), "reaches the store");
            }
        });
        assertThat(offenders).isEmpty();
    }

    @Test
    void classesAreNamedByImportNotByQualifiedName() {
        List<String> offenders = new ArrayList<>();
        sources().forEach((file, text) -> {
            String code = text.lines().filter(l -> !l.startsWith("import ") && !l.startsWith("package ")
                    && !l.trim().startsWith("*") && !l.trim().startsWith("//")).reduce("", (a, b) -> a + b + "\n");
            Matcher m = QUALIFIED_USE.matcher(code);
            if (m.find()) {
                offenders.add(file + ": " + m.group());
            }
        });
        assertThat(offenders).isEmpty();
    }
}
