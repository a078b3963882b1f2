package dev.crater;

import dev.crater.admin.AdminCommand;
import dev.crater.config.CraterConfig;
import dev.crater.demo.DemoData;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crater serve} and {@code crater admin …}. */
@Command(name = "crater", mixinStandardHelpOptions = true, version = "crater 0.1.0",
        description = "A self-hosted server for the AutoShares / ETNA Trader Trading API.",
        subcommands = {Main.Serve.class, AdminCommand.class})
public final class Main implements Runnable {

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

    /** Options every command shares: where the store is. Unset options fall back to CRATER_* variables. */
    public static class StoreOptions {
        @Option(names = "--data-dir", description = "Directory of the embedded SQLite store (CRATER_DATA_DIR, default ./data).")
        Path dataDir;

        public CraterConfig config() {
            CraterConfig c = CraterConfig.fromEnvironment(System.getenv());
            if (dataDir != null) {
                c = c.withDataDir(dataDir);
            }
            return c;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the API server.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        StoreOptions store = new StoreOptions();

        @Option(names = "--port", description = "TCP port (CRATER_PORT, default 8080).")
        Integer port;

        @Option(names = "--host", description = "Address to bind (CRATER_HOST, default 0.0.0.0).")
        String host;

        @Option(names = "--no-demo", description = "Do not create demo data on an empty store (CRATER_NO_DEMO=true).")
        boolean noDemo;

        @Override
        public Integer call() throws InterruptedException {
            CraterConfig c = store.config();
            if (port != null) {
                c = c.withPort(port);
            }
            if (host != null) {
                c = c.withHost(host);
            }
            if (noDemo) {
                c = c.withDemo(false);
            }
            Services services = Services.open(c);
            boolean created = c.demo() && DemoData.createIfEmpty(services);
            App app = App.start(services);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app.close();
                stopped.countDown();
            }, "crater-shutdown"));
            String base = "http://localhost:" + app.port() + "/api/";
            System.out.println("Crater is listening on " + c.host() + ":" + app.port() + "   base URL " + base);
            System.out.println("Store: " + (c.usesPostgres() ? "PostgreSQL " + c.dbUrl() : "SQLite " + c.sqliteFile().toAbsolutePath()));
            System.out.println("Mail:  " + services.mailer.describe());
            System.out.println("SMS:   " + services.sms.describe());
            if (created) {
                System.out.println("Created the demo company and users (start with --no-demo to skip this on an empty store).");
            }
            DemoData.printLogin(services, base, System.out);
            stopped.await();
            return 0;
        }
    }
}
