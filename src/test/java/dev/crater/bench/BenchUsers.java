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
 * <pre>
 * java -cp target/crater.jar:target/test-classes dev.crater.bench.BenchUsers DATA_DIR PREFIX COUNT
 * </pre>
 */
public final class BenchUsers {
    private BenchUsers() {
    }

    public static void main(String[] args) {
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
        }
    }
}
