package dev.crater.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * Goal: the node-to-node engine read exists only where nodes share a store. On the embedded store
 * (one node) it is no route at all, whatever a client sends, signed or not.
 */
class NodeReadsEmbeddedTest {
    @Test
    void theEngineReadBetweenNodesIsNoRouteOnTheEmbeddedStore() {
        try (TestServer s = TestServer.start(StoreKind.SQLITE)) {
            String url = "http://127.0.0.1:" + s.port() + NodeReads.BALANCES_PATH + "/1";
            Http.Response r = Http.get(url, "X-Crater-Node", "x", "X-Crater-Node-Time",
                    Long.toString(s.clock.millis()), "X-Crater-Node-Mac",
                    s.services().secretBox.nodeMac(NodeReads.signed("GET", NodeReads.BALANCES_PATH + "/1", "x",
                            s.clock.millis())));
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).doesNotContain("cash");
        }
    }
}
