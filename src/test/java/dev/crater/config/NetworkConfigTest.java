package dev.crater.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crater.Main;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal (issue 16): the node URL and the trusted proxies are checked at start-up with an error that
 * names the setting, and the client address is chosen by the standard right-most rule — a client
 * never picks its own address, whatever it puts in {@code X-Forwarded-For}.
 *
 * <p>Method: the settings' parsers directly, the address rule on literal addresses (no name is
 * ever resolved), and one real {@code crater serve} process with a bad {@code CRATER_NODE_URL}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NetworkConfigTest {

    static InetAddress ip(String literal) {
        return TrustedProxies.literal(literal).orElseThrow(() -> new AssertionError("not a literal: " + literal));
    }

    @Test
    void theNodeUrlIsSchemeHostAndPortOnly() {
        assertThat(NetworkConfig.normalizeNodeUrl("")).isEmpty();
        assertThat(NetworkConfig.normalizeNodeUrl(" http://10.0.0.11:8080/ ")).isEqualTo("http://10.0.0.11:8080");
        assertThat(NetworkConfig.normalizeNodeUrl("https://node-2.internal")).isEqualTo("https://node-2.internal");
        assertThat(NetworkConfig.normalizeNodeUrl("http://[fd00::11]:8080")).isEqualTo("http://[fd00::11]:8080");
        assertThat(NetworkConfig.fromEnvironment(Map.of("CRATER_NODE_URL", "http://10.0.0.12:8080")).nodeUrl())
                .isEqualTo("http://10.0.0.12:8080");
        assertThat(NetworkConfig.DEFAULT.nodeUrlOr("http://127.0.0.1:9")).isEqualTo("http://127.0.0.1:9");
        for (String bad : List.of("10.0.0.11:8080", "ftp://10.0.0.11", "http://", "http://10.0.0.11:8080/api",
                "http://10.0.0.11:8080?x=1", "http://10.0.0.11#f", "http://user:pw@10.0.0.11", "http://10.0.0.11:99999",
                "http://a b")) {
            assertThatThrownBy(() -> NetworkConfig.normalizeNodeUrl(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CRATER_NODE_URL");
        }
    }

    @Test
    void trustedProxiesAreAddressesAndRanges() {
        TrustedProxies p = TrustedProxies.parse(" 127.0.0.1, 10.0.0.0/8 ,fd00::/8,192.168.1.0/30");
        assertThat(p.toString()).isEqualTo("127.0.0.1,10.0.0.0/8,fd00::/8,192.168.1.0/30");
        assertThat(p.trusts(ip("127.0.0.1"))).isTrue();
        assertThat(p.trusts(ip("127.0.0.2"))).isFalse();
        assertThat(p.trusts(ip("10.255.3.4"))).isTrue();
        assertThat(p.trusts(ip("11.0.0.1"))).isFalse();
        assertThat(p.trusts(ip("192.168.1.3"))).isTrue();
        assertThat(p.trusts(ip("192.168.1.4"))).isFalse();
        assertThat(p.trusts(ip("fd12::1"))).isTrue();
        assertThat(p.trusts(ip("fe80::1"))).isFalse();
        assertThat(p.trusts(ip("::ffff:10.1.2.3"))).as("an IPv4-mapped address is the IPv4 address").isTrue();
        assertThat(TrustedProxies.parse("").isEmpty()).isTrue();
        assertThat(NetworkConfig.fromEnvironment(Map.of()).trustedProxies().isEmpty()).isTrue();
        assertThat(TrustedProxies.parse("0.0.0.0/0").trusts(ip("203.0.113.9"))).isTrue();
        for (String bad : List.of("proxy.internal", "10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "256.1.1.1", "fd00::/129",
                "10.0.0.1/-1", "fe80::1%eth0", "::1/x", ".::1")) {
            assertThatThrownBy(() -> TrustedProxies.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("CRATER_TRUSTED_PROXIES");
        }
        String many = String.join(",", java.util.Collections.nCopies(TrustedProxies.ENTRIES_MAX + 1, "10.0.0.1"));
        assertThatThrownBy(() -> TrustedProxies.parse(many)).hasMessageContaining("more than " + TrustedProxies.ENTRIES_MAX);
    }

    @Test
    void theClientIsTheRightMostUntrustedAddressAndOnlyBehindATrustedPeer() {
        TrustedProxies p = TrustedProxies.parse("127.0.0.1,10.0.0.0/8");
        InetAddress proxy = ip("10.0.0.5");
        InetAddress stranger = ip("198.51.100.20");
        // Not behind a trusted peer: the header is the client's own words.
        assertThat(p.clientAddress(stranger, List.of("203.0.113.7"))).isEqualTo("198.51.100.20");
        assertThat(TrustedProxies.NONE.clientAddress(proxy, List.of("203.0.113.7"))).isEqualTo("10.0.0.5");
        // Behind one: the entry the proxy appended, whatever the client wrote to its left.
        assertThat(p.clientAddress(proxy, List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(p.clientAddress(proxy, List.of("6.6.6.6, 203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(p.clientAddress(proxy, List.of("6.6.6.6", "203.0.113.7"))).as("several header lines, in order")
                .isEqualTo("203.0.113.7");
        assertThat(p.clientAddress(proxy, List.of("garbage, 203.0.113.7"))).isEqualTo("203.0.113.7");
        // Trusted hops (another proxy, a Crater node) are passed.
        assertThat(p.clientAddress(proxy, List.of("6.6.6.6, 203.0.113.7, 10.0.0.9, 127.0.0.1"))).isEqualTo("203.0.113.7");
        assertThat(p.clientAddress(proxy, List.of("10.0.0.9, 127.0.0.1"))).as("only proxies: the furthest")
                .isEqualTo("10.0.0.9");
        // Ports and IPv6, as proxies write them.
        assertThat(p.clientAddress(proxy, List.of("203.0.113.7:51234"))).isEqualTo("203.0.113.7");
        assertThat(p.clientAddress(proxy, List.of("[2001:db8::7]:443"))).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(p.clientAddress(proxy, List.of("2001:db8::7"))).isEqualTo("2001:db8:0:0:0:0:0:7");
        // Unreadable where it is read: the peer.
        for (String bad : List.of("", " ", ",", "unknown", "203.0.113.7, nonsense", "1.2.3.999", "example.com",
                "2001:db8::7%eth0", "[2001:db8::7", "x".repeat(300), ".1.2.3")) {
            assertThat(p.clientAddress(proxy, List.of(bad))).as("'%s'", bad).isEqualTo("10.0.0.5");
        }
        String longChain = String.join(", ", java.util.Collections.nCopies(TrustedProxies.HOPS_MAX + 1, "10.0.0.9"));
        assertThat(p.clientAddress(proxy, List.of("203.0.113.7, " + longChain))).as("beyond the hop bound: the peer")
                .isEqualTo("10.0.0.5");
    }

    @Test
    void aBadNodeUrlStopsServeWithItsReason(@TempDir Path dir) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder b = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-cp", classPath, Main.class.getName(), "serve",
                "--host", "127.0.0.1", "--port", "0", "--data-dir", dir.resolve("data").toString(), "--no-demo")
                .redirectErrorStream(true);
        b.environment().keySet().removeIf(k -> k.startsWith("CRATER_"));
        b.environment().put("CRATER_NODE_URL", "http://10.0.0.11:8080/api");
        Path log = dir.resolve("serve.log");
        Process p = b.redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("serve ends by itself").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out).contains("error: Crater could not start: CRATER_NODE_URL must be only scheme, host and port")
                .doesNotContain("Crater is listening");
        assertThat(dir.resolve("data")).as("refused before the store is opened").doesNotExist();

        b.environment().remove("CRATER_NODE_URL");
        b.environment().put("CRATER_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal");
        p = b.redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out).contains("error: Crater could not start: CRATER_TRUSTED_PROXIES: 'proxy.internal' is not an IP");
    }
}
