package dev.crater;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.bench.HelloServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal (issue 16): the class data sharing options {@code ./crater serve} adds work as the launcher
 * says: a first start without an archive runs, and writes the archive beside the jar when it stops
 * normally (SIGTERM); the next start maps its classes from it. Not a timed test: it checks where
 * classes come from, never how fast.
 *
 * <p>Method: the real launcher prints its options ({@code ./crater jvm-options} and
 * {@code ./crater serve-options JAR}); a Helidon server (the benchmarks' {@link HelloServer}, in a jar
 * of its own: class data sharing takes jars only, and the build's jar is made after the tests) runs
 * twice with them as a real process, and the second run's {@code -Xlog:class+load} names the archive
 * as the source of its classes.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LauncherCdsTest {

    private static List<String> launcher(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "crater"));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().keySet().removeIf(k -> k.startsWith("CRATER_"));
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.isEmpty() ? List.of() : Arrays.asList(out.split("\\s+"));
    }

    /** A jar holding only HelloServer. */
    private static Path helloJar(Path dir) throws IOException {
        Path jar = dir.resolve("hello.jar");
        String entry = HelloServer.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                var in = HelloServer.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    /** Runs the server until it listens, then stops it with SIGTERM; returns everything it printed. */
    private static String runOnce(List<String> command, Path log) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("listening on 127.0.0.1:")) {
                assertThat(p.isAlive()).as("the server ended before it listened:%n%s", Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("the server did not listen within 60 s").isLessThan(deadline);
                Thread.sleep(50);
            }
            p.destroy();   // SIGTERM: a normal exit, at which the JVM writes a missing archive
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the server stopped").isTrue();
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        return Files.readString(log);
    }

    @Test
    void aFirstStartWritesTheArchiveAtItsStopAndTheNextStartUsesIt(@TempDir Path dir) throws Exception {
        Path jar = helloJar(dir);
        List<String> serve = launcher("serve-options", jar.toString());
        Path archive = dir.resolve("hello-serve.jsa");
        assertThat(serve).as("./crater serve-options").contains("-XX:SharedArchiveFile=" + archive,
                "-XX:+AutoCreateSharedArchive");

        // Helidon and its dependencies from the test class path (their jars: a class directory on the
        // path would make the JVM refuse to write an archive).
        String classPath = jar + File.pathSeparator + Arrays.stream(
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                        .split(File.pathSeparator))
                .filter(e -> e.endsWith(".jar")).reduce((a, b) -> a + File.pathSeparator + b).orElseThrow();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launcher("jvm-options"));
        command.addAll(serve);
        command.add("-Xlog:class+load=info");
        command.addAll(List.of("-cp", classPath, HelloServer.class.getName(), "0"));

        assertThat(archive).doesNotExist();
        String first = runOnce(command, dir.resolve("first.log"));
        assertThat(first).contains("dev.crater.bench.HelloServer source: file:")
                .doesNotContain("dev.crater.bench.HelloServer source: shared objects file");
        assertThat(archive).as("written when the first server stopped:%n%s", tail(first)).exists();
        assertThat(Files.size(archive)).isPositive();

        String second = runOnce(command, dir.resolve("second.log"));
        assertThat(second).as(tail(second))
                .contains("dev.crater.bench.HelloServer source: shared objects file (top)")
                .contains("io.helidon.webserver.WebServer source: shared objects file (top)");
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }
}
