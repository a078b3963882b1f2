package dev.crater;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal (issue 12, item 1): a server that cannot start ends at once with its reason and a non-zero
 * exit, before any engine thread runs; and one store is served by one process at a time, so a second
 * {@code crater serve} on the same data directory is refused with a message naming the holder.
 * (Before: the second server logged a BindException, printed "listening on 0.0.0.0:-1" and traded on
 * the first one's store, filling orders the first had cancelled.)
 *
 * <p>Method: real {@code crater serve} processes on this build's class path, each on a temporary
 * data directory, bound to loopback.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeStartupTest {

    record Exit(int code, String output) {
    }

    private static ProcessBuilder serve(Path dataDir, int port) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder b = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "-cp", classPath, Main.class.getName(), "serve",
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--data-dir", dataDir.toString(), "--no-demo")
                .redirectErrorStream(true);
        b.environment().keySet().removeIf(k -> k.startsWith("CRATER_"));
        return b;
    }

    private static Exit run(ProcessBuilder b) throws Exception {
        Path log = Files.createTempFile("crater-serve-", ".log");
        try {
            Process p = b.redirectOutput(log.toFile()).start();
            boolean ended = p.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
                throw new AssertionError("crater serve did not end by itself:\n" + Files.readString(log));
            }
            return new Exit(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Starts a server and waits for its banner; the caller stops it. */
    private static Process started(Path dataDir, List<String> output) throws Exception {
        Process p = serve(dataDir, 0).start();
        var reader = p.inputReader(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = reader.readLine()) != null) {
            output.add(line);
            if (line.startsWith("Crater is listening")) {
                return p;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("the first server did not start:\n" + String.join("\n", output));
    }

    @Test
    void aServerThatCannotListenExitsNonZeroWithItsReason(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Exit e = run(serve(dir, taken.getLocalPort()));
            assertThat(e.code()).as(e.output()).isNotZero();
            assertThat(e.output()).contains("error: Crater could not start: could not listen on 127.0.0.1:"
                    + taken.getLocalPort()).doesNotContain("Crater is listening");
            assertThat(e.output()).as("no engine round ran").doesNotContain("trading shard");
        }
        // The failed start left the store free: a server starts on it now.
        List<String> out = new ArrayList<>();
        Process p = started(dir, out);
        p.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aSecondServerOnTheSameStoreIsRefusedAndNamesTheHolder(@TempDir Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        Process first = started(dir, out);
        try {
            Exit second = run(serve(dir, 0));
            assertThat(second.code()).as(second.output()).isEqualTo(2);
            assertThat(second.output())
                    .contains("error: the store in " + dir.toAbsolutePath().normalize() + " is in use by another Crater server")
                    .contains("pid " + first.pid()).contains("listening on 127.0.0.1:")
                    .doesNotContain("Crater is listening");
            assertThat(first.isAlive()).isTrue();
        } finally {
            first.destroy();
            if (!first.waitFor(30, TimeUnit.SECONDS)) {
                first.destroyForcibly();
            }
        }
        // The holder gone (its lock with it), the store can be served again.
        assertThat(Files.readString(dir.resolve("crater.lock"))).contains("pid " + first.pid());
        List<String> again = new ArrayList<>();
        Process next = started(dir, again);
        next.destroy();
        assertThat(next.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
}
