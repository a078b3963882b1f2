package dev.crater.testing;

import dev.crater.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Runs {@code crater …} in this JVM against a {@link TestServer}'s data directory and on its clock,
 * capturing what the command prints (commands print to {@code System.out}, so it is swapped for the
 * run; hence one run at a time).
 */
public final class CliRun {

    private CliRun() {
    }

    /** What a run printed and returned. */
    public record Result(int code, String out, String err) {
    }

    public static synchronized Result against(TestServer server, String... args) {
        PrintStream originalOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(capturedOut);
            CommandLine cmd = new CommandLine(new Main(server.clock));
            cmd.setOut(new PrintWriter(capturedOut, true));
            cmd.setErr(new PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
            String[] all = Arrays.copyOf(args, args.length + 2);
            all[args.length] = "--data-dir";
            all[args.length + 1] = server.dataDir().toString();
            int code = cmd.execute(all);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
        }
    }
}
