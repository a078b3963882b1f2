package dev.crater;

import dev.crater.admin.AdminCommand;
import dev.crater.config.CraterConfig;
import dev.crater.config.NetworkConfig;
import dev.crater.config.OpsConfig;
import dev.crater.demo.DemoData;
import dev.crater.market.Session;
import dev.crater.market.TradingCalendar;
import dev.crater.store.StoreLock;
import dev.crater.streaming.StreamCommand;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crater serve}, {@code crater admin …} and {@code crater stream}. */
@Command(name = "crater", mixinStandardHelpOptions = true, version = "crater 0.1.0",
        description = "A self-hosted server for the AutoShares / ETNA Trader Trading API.",
        subcommands = {Main.Serve.class, AdminCommand.class, StreamCommand.class})
public final class Main implements Runnable {

    /** The one clock every command reads (the system clock; tests pass their own). */
    private final InstantSource clock;

    public Main() {
        this(InstantSource.system());
    }

    public Main(InstantSource clock) {
        this.clock = clock;
    }

    /** The clock of the command line {@code spec} belongs to. */
    public static InstantSource clock(CommandLine.Model.CommandSpec spec) {
        return spec.root().userObject() instanceof Main m ? m.clock : InstantSource.system();
    }

    public static void main(String[] args) {
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Where the store is, for every command; accepted before or after any subcommand. */
    @Option(names = "--data-dir", scope = CommandLine.ScopeType.INHERIT, paramLabel = "DIR",
            description = "Directory of the embedded SQLite store (CRATER_DATA_DIR, default ./data).")
    Path dataDir;

    /** The configuration of the command line {@code spec} belongs to: CRATER_* variables, then its options. */
    public static CraterConfig config(CommandLine.Model.CommandSpec spec) {
        CraterConfig c = CraterConfig.fromEnvironment(System.getenv());
        if (spec.root().userObject() instanceof Main m && m.dataDir != null) {
            c = c.withDataDir(m.dataDir);
        }
        return c;
    }

    /** One line for the banner: the simulated market's session now, and how to trade when it is closed. */
    static String marketStatus(Services s) {
        long now = s.market.nowMs();
        Session session = s.market.session(now);
        String at = java.time.format.DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", java.util.Locale.ROOT)
                .format(java.time.Instant.ofEpochMilli(now).atZone(TradingCalendar.ZONE));
        String line = session + " at " + at + " New York (market time)";
        if (session != Session.REGULAR) {
            line += "; orders wait for their session. To trade now: ./crater admin market clock --to-open";
        }
        return line;
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the API server.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--port", description = "TCP port (CRATER_PORT, default 8080).")
        Integer port;

        @Option(names = "--host", description = "Address to bind (CRATER_HOST, default 0.0.0.0).")
        String host;

        @Option(names = "--node-url", paramLabel = "URL", description = "Where the other nodes sharing the store reach"
                + " this one, e.g. http://10.0.0.11:8080 (CRATER_NODE_URL, default the bound address).")
        String nodeUrl;

        @Option(names = "--no-demo", description = "Do not create demo data on an empty store (CRATER_NO_DEMO=true).")
        boolean noDemo;

        @Override
        public Integer call() throws InterruptedException {
            CraterConfig c = config(spec);
            if (port != null) {
                c = c.withPort(port);
            }
            if (host != null) {
                c = c.withHost(host);
            }
            if (noDemo) {
                c = c.withDemo(false);
            }
            java.io.PrintWriter err = spec.commandLine().getErr();
            NetworkConfig network;
            try {
                network = NetworkConfig.fromEnvironment(System.getenv());
                if (nodeUrl != null) {
                    network = network.withNodeUrl(nodeUrl);
                }
            } catch (IllegalArgumentException e) {
                err.println("error: Crater could not start: " + e.getMessage());
                return 1;
            }
            StoreLock lock;
            try {
                lock = StoreLock.acquire(c, clock(spec).instant());
            } catch (StoreLock.InUseException e) {
                err.println("error: " + e.getMessage());
                return 2;
            }
            Services services = null;
            App app;
            boolean created;
            try {
                services = Services.open(c, clock(spec));
                created = c.demo() && DemoData.createIfEmpty(services);
                app = App.start(services, OpsConfig.fromEnvironment(System.getenv()), network);
            } catch (RuntimeException e) {
                // Any start-up failure ends the process with its reason, before an engine thread runs.
                err.println("error: Crater could not start: " + e.getMessage());
                if (services != null) {
                    services.close();
                }
                if (lock != null) {
                    lock.close();
                }
                return 1;
            }
            if (lock != null) {
                lock.describe("pid " + ProcessHandle.current().pid() + ", listening on " + c.host() + ":" + app.port()
                        + " since " + clock(spec).instant());
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app.close();
                if (lock != null) {
                    lock.close();
                }
                stopped.countDown();
            }, "crater-shutdown"));
            String base = "http://localhost:" + app.port() + "/api/";
            System.out.println("Crater is listening on " + c.host() + ":" + app.port() + "   base URL " + base);
            System.out.println("Store: " + (c.usesPostgres() ? "PostgreSQL " + c.dbUrl()
                    : "SQLite " + c.sqliteFile().toAbsolutePath().normalize()));
            System.out.println("Market: " + marketStatus(services));
            System.out.println("Mail:  " + services.mailer.describe());
            System.out.println("SMS:   " + services.sms.describe());
            if (created) {
                System.out.println("Created the demo company and users (start with --no-demo to skip this on an empty store).");
            }
            DemoData.printLogin(services, base, System.out);
            System.out.flush();
            stopped.await();
            return 0;
        }
    }
}
