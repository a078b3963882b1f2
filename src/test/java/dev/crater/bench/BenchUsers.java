package dev.crater.bench;

import dev.crater.Services;
import dev.crater.companies.Company;
import dev.crater.config.CraterConfig;
import dev.crater.demo.DemoData;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.nio.file.Path;

/**
 * Creates the users {@code bench/streaming.sh} opens its streamer sockets with (a user may hold
 * {@code StreamerLimits.SOCKETS_PER_USER_MAX} = 20 sockets, so 2,000 sessions need 100 users): in the
 * demo company of the store in {@code DATA_DIR}, users {@code PREFIX1..PREFIXcount} with the demo
 * password, through the same services the admin CLI uses ({@code crater admin user create} would
 * start one JVM per user). Existing names are skipped. Not part of the product.
 *
 * <p>With a fourth argument it also writes what the load generator needs to tell which quote slot a
 * quote message belongs to ({@code StreamLoad}'s latency method): a first line
 * {@code seed SEED phased true|false} (the market seed and {@code Market.phased} of
 * {@code CRATER_MARKET_TICK_MS}, from the same environment as the server's), then one line
 * {@code SECURITY_ID PATH_KEY} per security ({@code PathParameters.key}, the size draws' key).
 *
 * <pre>
 * java -cp target/crater.jar:target/test-classes dev.crater.bench.BenchUsers DATA_DIR PREFIX COUNT [KEYS_FILE]
 * </pre>
 */
public final class BenchUsers {
    private BenchUsers() {
    }

    public static void main(String[] args) throws java.io.IOException {
        Path dir = Path.of(args[0]);
        String prefix = args[1];
        int count = Integer.parseInt(args[2]);
        CraterConfig config = CraterConfig.fromEnvironment(System.getenv()).withDataDir(dir);
        try (Services s = Services.open(config)) {
            Company c = s.companies.byName(DemoData.COMPANY).orElseThrow();
            int made = 0;
            for (int i = 1; i <= count; i++) {
                String name = prefix + i;
                if (s.users.byUsername(c.id(), name).isPresent()) {
                    continue;
                }
                s.users.create(new UserService.NewUser(c.id(), name, DemoData.PASSWORD, name + "@example.com", null, null,
                        User.TwoFactorMethod.NONE, "Bench", name));
                made++;
            }
            System.out.println("BENCHUSERS created=" + made + " total=" + count);
            if (args.length > 3) {
                StringBuilder b = new StringBuilder("seed " + config.market().seed() + " phased "
                        + dev.crater.market.Market.phased(config.market().tickMs()) + "\n");
                for (dev.crater.reference.Security x : s.securities.snapshot().all()) {
                    b.append(x.id()).append(' ').append(dev.crater.market.PathParameters.of(x).key()).append('\n');
                }
                java.nio.file.Files.writeString(Path.of(args[3]), b);
            }
        }
    }
}
