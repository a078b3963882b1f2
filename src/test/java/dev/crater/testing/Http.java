package dev.crater.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small HTTP client for tests, on the JDK's HttpClient. */
public final class Http {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    /** A response: status, body text, headers. */
    public record Response(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String text(String field) {
            JsonNode v = json().get(field);
            return v == null ? null : v.asText();
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private Http() {
    }

    /** Clients whose connections come from another local address, by that address. */
    private static final java.util.Map<String, HttpClient> FROM = new java.util.concurrent.ConcurrentHashMap<>();

    /** Sends {@code method url} with headers given as name, value pairs and an optional body. */
    public static Response send(String method, String url, String body, String... headerPairs) {
        return send(CLIENT, method, url, body, headerPairs);
    }

    /**
     * As {@link #send}, over a connection from {@code localAddress}: on Linux every address of
     * 127.0.0.0/8 is the loopback, so a test can be several clients with different addresses.
     */
    public static Response sendFrom(String localAddress, String method, String url, String body, String... headerPairs) {
        HttpClient client = FROM.computeIfAbsent(localAddress, a -> {
            try {
                return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                        .version(HttpClient.Version.HTTP_1_1).localAddress(java.net.InetAddress.getByName(a)).build();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(a, e);
            }
        });
        return send(client, method, url, body, headerPairs);
    }

    private static Response send(HttpClient client, String method, String url, String body, String... headerPairs) {
        // Every secret a test sends or receives goes into the ledger the final secrets scan reads.
        SecretsLedger.recordRequestHeaders(headerPairs);
        SecretsLedger.recordRequestBody(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headerPairs.length; i += 2) {
            if (headerPairs[i + 1] != null) {
                b.header(headerPairs[i], headerPairs[i + 1]);
            }
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            SecretsLedger.recordResponseBody(r.body());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Response get(String url, String... headerPairs) {
        return send("GET", url, null, headerPairs);
    }

    public static Response post(String url, String... headerPairs) {
        return send("POST", url, null, headerPairs);
    }

    public static Map<String, Object> parse(String json) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = MAPPER.readValue(json, Map.class);
            return m;
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
