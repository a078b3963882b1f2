package dev.crater.testing;

import dev.crater.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code crater serve} child process (a JVM of its own on the test's class path) on a random port:
 * its output is read on a thread of its own (the last {@link #LINES_KEPT} lines, for failure
 * messages and log checks), and it can be killed ({@code SIGKILL}), paused ({@code SIGSTOP}) and
 * resumed ({@code SIGCONT}). Every process started is killed when the test JVM exits, whatever the
 * test did ({@link #killAll()} and a shutdown hook).
 */
public final class CraterProcess {
    /** Output lines kept per process. */
    public static final int LINES_KEPT = 4000;
    /** How long a process may take to listen (JVM start, migrations, shard rebuilds, on a busy machine). */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    static final Pattern LISTENING = Pattern.compile("Crater is listening on \\S+:(\\d+)");
    private static final Set<CraterProcess> STARTED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(CraterProcess::killAll, "crater-children-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path dataDir;
    private final ConcurrentLinkedDeque<String> lines = new ConcurrentLinkedDeque<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    private CraterProcess(String name, Process process, Path dataDir) {
        this.name = name;
        this.process = process;
        this.dataDir = dataDir;
        Thread.ofPlatform().daemon().name("crater-child-" + name).start(this::read);
    }

    /**
     * Starts {@code crater serve --no-demo} on a random port with exactly the {@code CRATER_*}
     * variables given (the test JVM's own are not inherited); its data directory (and working
     * directory, so the test log configuration's file goes there) is a fresh temporary one. Returns
     * without waiting for it to listen: see {@link #awaitListening()}.
     */
    public static CraterProcess start(String name, Map<String, String> env) {
        try {
            Path dataDir = Files.createTempDirectory("crater-node-");
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                    Main.class.getName(), "serve", "--no-demo", "--host", "127.0.0.1", "--port", "0",
                    "--data-dir", dataDir.toString()));
            ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dataDir.toFile());
            b.environment().keySet().removeIf(k -> k.startsWith("CRATER_"));
            b.environment().putAll(env);
            CraterProcess p = new CraterProcess(name, b.start(), dataDir);
            STARTED.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
                if (lines.size() > LINES_KEPT) {
                    lines.pollFirst();
                }
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            // the process died
        }
        port.completeExceptionally(new IllegalStateException(name + " exited"));
    }

    /** Waits until the process listens ({@link #START_TIMEOUT}); kills it and fails with its output if not. */
    public CraterProcess awaitListening() {
        try {
            port.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return this;
        } catch (Exception e) {
            kill();
            throw new AssertionError(name + " did not start:\n" + output(), e);
        }
    }

    public boolean listening() {
        return port.isDone() && !port.isCompletedExceptionally();
    }

    public int port() {
        return port.join();
    }

    /** The address other nodes forward to (as {@code App.nodeUrl} makes it). */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public String api() {
        return url() + "/api/";
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** {@code SIGKILL}, and waits for the process to be gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " (pid " + pid() + ") survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        STARTED.remove(this);
    }

    /** {@code SIGSTOP}: the process stands still, its sockets stay open. */
    public void pause() {
        signal("STOP");
    }

    /** {@code SIGCONT}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String sig) {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid())).redirectErrorStream(true).start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new AssertionError("kill -" + sig + " " + pid() + " failed: "
                        + new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The lines kept so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    public String output() {
        return name + " (pid " + pid() + "):\n" + String.join("\n", lines);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Kills every process started that is still there (a paused one too: SIGKILL ends it). */
    public static void killAll() {
        for (CraterProcess p : List.copyOf(STARTED)) {
            p.process.destroyForcibly();
        }
        for (CraterProcess p : List.copyOf(STARTED)) {
            try {
                p.process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            STARTED.remove(p);
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + pid() + (listening() ? ", port " + port() : "") + ")";
    }
}
