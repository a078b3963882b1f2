package dev.crater.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: every command block of the README works when pasted in order on a fresh store, so the README
 * cannot rot. The blocks run as the README says, from a fresh folder: the server block starts
 * {@code ./crater serve} in the background (on a free port, given as {@code CRATER_PORT}, which the
 * README's {@code API=} line reads), and every other {@code sh} block runs, in order, in one bash
 * session with {@code set -euo pipefail}: a command that fails, or a {@code curl} answered 4xx/5xx,
 * fails the test with the output so far.
 *
 * <p>Method: {@code ./crater} in that folder is a two-line launcher of the same {@code dev.crater.Main}
 * on this build's class path (the real launcher would build the jar itself, inside the build running
 * this test). {@code curl} is wrapped to fail on HTTP errors and otherwise print what curl printed.
 * A comment line {@code <!-- readme-test: skip (reason) -->} right before a block leaves it out (the
 * two top-level commands, the PostgreSQL example); {@code <!-- readme-test: needs TOOL -->} runs it
 * when TOOL is installed (on CI it always is: .ci/run installs it).
 */
class ReadmeTest {

    private static final Pattern DIRECTIVE = Pattern.compile("<!--\\s*readme-test:\\s*(\\w+)\\s*(.*?)\\s*-->");
    /** Named limit: the whole README, server start included, must run within this. */
    private static final Duration README_DEADLINE = Duration.ofMinutes(10);
    private static final Duration SERVER_START_DEADLINE = Duration.ofMinutes(2);

    record Block(int line, String directive, String argument, String text) {
    }

    static List<Block> blocks(List<String> lines) {
        List<Block> out = new ArrayList<>();
        String directive = null;
        String argument = null;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            Matcher m = DIRECTIVE.matcher(l.trim());
            if (m.matches()) {
                directive = m.group(1);
                argument = m.group(2);
                continue;
            }
            if (l.startsWith("```sh")) {
                int start = i + 1;
                StringBuilder text = new StringBuilder();
                for (i = start; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                    text.append(lines.get(i)).append('\n');
                }
                out.add(new Block(start, directive, argument, text.toString()));
            }
            if (!l.isBlank()) {
                directive = null;
                argument = null;
            }
        }
        return out;
    }

    @Test
    void everyCommandBlockWorksPastedInOrderOnAFreshStore(@TempDir Path work) throws Exception {
        List<Block> blocks = blocks(Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8));
        assertThat(blocks).as("README command blocks").hasSizeGreaterThan(10);
        List<Block> servers = blocks.stream().filter(b -> "server".equals(b.directive())).toList();
        assertThat(servers).as("exactly one block starts the server").hasSize(1);
        assertThat(servers.get(0).text().trim()).isEqualTo("./crater serve");

        writeLauncher(work);
        int port = freePort();
        StringBuilder script = new StringBuilder("""
                set -euo pipefail
                curl() {
                  local status
                  status=$(command curl -sS -o "$README_WORK/.body" -w '%{http_code}' "$@") \\
                    || { echo "readme-test: curl could not complete: curl $*" >&2; return 1; }
                  cat "$README_WORK/.body"; echo
                  if [ "$status" -ge 400 ]; then echo "readme-test: HTTP $status from: curl $*" >&2; return 1; fi
                }
                """);
        List<String> skipped = new ArrayList<>();
        for (Block b : blocks) {
            if (b.directive() == null) {
                script.append("echo '--- README.md line ").append(b.line()).append("'\n").append(b.text());
            } else if ("needs".equals(b.directive())) {
                String tool = b.argument();
                script.append("if command -v ").append(tool).append(" >/dev/null; then\n")
                        .append("echo '--- README.md line ").append(b.line()).append("'\n").append(b.text())
                        .append("else echo 'readme-test: ").append(tool).append(" is not installed: block at line ")
                        .append(b.line()).append(" not run' >&2; fi\n");
                if (System.getenv("CI") != null) {
                    assertThat(onPath(tool)).as(tool + " must be installed on CI (.ci/run installs it)").isTrue();
                }
            } else if (!"server".equals(b.directive()) && !"skip".equals(b.directive())) {
                throw new AssertionError("unknown readme-test directive '" + b.directive() + "' at line " + b.line());
            } else if ("skip".equals(b.directive())) {
                assertThat(b.argument()).as("a skipped block says why (line %d)", b.line()).isNotBlank();
                skipped.add("line " + b.line() + " " + b.argument());
            }
        }
        Files.writeString(work.resolve("readme.sh"), script.toString());

        Path serverLog = work.resolve("server.log");
        Process server = start(work, port, List.of("bash", "-c", servers.get(0).text()), serverLog);
        try {
            awaitBanner(server, serverLog);
            Path log = work.resolve("readme.log");
            Process run = start(work, port, List.of("bash", work.resolve("readme.sh").toString()), log);
            boolean ended = run.waitFor(README_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            if (!ended) {
                run.destroyForcibly();
            }
            String output = Files.readString(log);
            assertThat(ended).as("the README ran within %s:%n%s", README_DEADLINE, tail(output)).isTrue();
            assertThat(run.exitValue()).as("README blocks (skipped: %s) failed:%n%s%nserver log:%n%s", skipped,
                    tail(output), tail(Files.readString(serverLog))).isZero();
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static void writeLauncher(Path work) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path launcher = work.resolve("crater");
        Files.writeString(launcher, "#!/usr/bin/env bash\nexec '" + java + "' --enable-native-access=ALL-UNNAMED -cp '"
                + classPath + "' dev.crater.Main \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static Process start(Path work, int port, List<String> command, Path output) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("CRATER_"));
        env.put("CRATER_PORT", String.valueOf(port));
        env.put("CRATER_HOST", "127.0.0.1");
        env.put("README_WORK", work.toString());
        return pb.start();
    }

    private static void awaitBanner(Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + SERVER_START_DEADLINE.toNanos();
        while (!Files.readString(log).contains("Crater is listening")) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the README's server did not start:\n" + tail(Files.readString(log)));
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String tail(String s) {
        return s.length() <= 6000 ? s : "…" + s.substring(s.length() - 6000);
    }
}
