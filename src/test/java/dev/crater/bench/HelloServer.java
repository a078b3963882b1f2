package dev.crater.bench;

import io.helidon.webserver.WebServer;

/**
 * The baseline for the {@code /users/@me/info} benchmark: a bare Helidon SE 4 server with one
 * {@code GET /hello} route answering a short text, and nothing else (no filters, no JSON, no
 * store). It shows what this machine and this Helidon version can serve at all, so the info
 * route's rate can be read as a fraction of it. Not part of the product.
 *
 * <pre>
 * java -cp target/crater.jar:target/test-classes dev.crater.bench.HelloServer [port]
 * </pre>
 *
 * Port 0 (the default) picks a free port; the chosen one is printed as {@code listening on 127.0.0.1:PORT}.
 */
public final class HelloServer {
    private HelloServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .routing(r -> r.get("/hello", (req, res) -> res.send("Hello")))
                .build()
                .start();
        System.out.println("listening on 127.0.0.1:" + server.port());
        System.out.flush();
        // Helidon's own shutdown hook stops the server on SIGTERM; until then, just wait.
        Thread.currentThread().join();
    }
}
