package dev.crater.testing;

import com.sun.net.httpserver.HttpServer;
import dev.crater.config.SmsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real local HTTP server standing in for an SMS gateway: it records every form-encoded
 * "Messages" request and answers with scripted statuses (201 when the script is empty).
 */
public final class SmsRecorder implements AutoCloseable {
    /** One recorded message. */
    public record Sms(String to, String from, String body, String authorization) {
        public String code() {
            Matcher m = Pattern.compile("\\b(\\d{6})\\b").matcher(body);
            if (!m.find()) {
                throw new AssertionError("no 6-digit code in SMS: " + body);
            }
            return m.group(1);
        }
    }

    private final HttpServer server;
    private final List<Sms> received = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Integer> script = new ConcurrentLinkedDeque<>();

    public SmsRecorder() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/Messages", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : body.split("&")) {
                String[] kv = pair.split("=", 2);
                form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
            Integer status = script.poll();
            int code = status == null ? 201 : status;
            if (code / 100 == 2) {
                received.add(new Sms(form.get("To"), form.get("From"), form.get("Body"),
                        exchange.getRequestHeaders().getFirst("Authorization")));
            }
            byte[] answer = "{\"sid\":\"SM1\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    public SmsConfig config() {
        return new SmsConfig(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/Messages"),
                "AC-test", "secret-token", "+15550001111");
    }

    /** Answers the next requests with these statuses, in order. */
    public void script(int... statuses) {
        for (int s : statuses) {
            script.add(s);
        }
    }

    public List<Sms> to(String phone) {
        synchronized (received) {
            return received.stream().filter(s -> phone.equals(s.to())).toList();
        }
    }

    /** The newest message to {@code phone}. */
    public Sms last(String phone) {
        List<Sms> all = to(phone);
        if (all.isEmpty()) {
            throw new AssertionError("no SMS to " + phone);
        }
        return all.get(all.size() - 1);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
