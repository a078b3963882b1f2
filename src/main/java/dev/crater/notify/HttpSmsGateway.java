package dev.crater.notify;

import dev.crater.config.SmsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Text messages through an HTTP gateway speaking the widely used form-encoded "Messages" shape
 * (Twilio-style): {@code POST {url}} with {@code To}, {@code From} and {@code Body} form fields,
 * HTTP basic authentication {@code account:token}, and any 2xx answer meaning accepted.
 *
 * <p>Gateways shed load with 5xx and 429 and networks drop connections, so those are retried with
 * doubling backoff up to {@link #ATTEMPTS_MAX} attempts; any other answer (a 4xx such as a bad
 * number or bad credentials) will not improve on retry and fails at once. Every network wait is
 * bounded, so a stuck gateway holds a login open for at most about
 * {@code ATTEMPTS_MAX * (CONNECT_TIMEOUT_MS + REQUEST_TIMEOUT_MS)} plus the backoff.
 *
 * <p>The text usually holds a login code: it never appears in a log line or an exception message,
 * and the recipient is logged masked to its last two digits.
 */
public final class HttpSmsGateway implements SmsSender {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSmsGateway.class);

    /** Time to establish the TCP (and TLS) connection to the gateway. */
    public static final int CONNECT_TIMEOUT_MS = 2_000;
    /** Time for one request, from sending until the complete response has arrived. */
    public static final int REQUEST_TIMEOUT_MS = 5_000;
    /** Requests per message, the first included. */
    public static final int ATTEMPTS_MAX = 3;
    /** Wait before the second attempt; it doubles for each further attempt. */
    public static final long BACKOFF_INITIAL_MS = 200;
    /** Ceiling for the doubling wait between attempts. */
    public static final long BACKOFF_MAX_MS = 2_000;
    /**
     * Longest text accepted, in Java {@code char}s: one GSM-7 segment. Gateways split longer or
     * non-GSM text (70 UCS-2 characters per segment) into several billed parts; login messages
     * have no reason to be that long, so a longer one is a programming error.
     */
    public static final int TEXT_CHARS_MAX = 160;
    /** An E.164 number: '+', a non-zero country digit, then 6 to 14 more digits. */
    public static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    /** Waits between attempts; tests substitute one that records instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final SmsConfig config;
    private final Duration requestTimeout;
    private final Sleeper sleeper;
    private final HttpClient client;
    /** host[:port] for log lines and errors: identifies the gateway without any path or query. */
    private final String gateway;
    private final String authorization;

    /** A gateway with the production timeouts and backoff. */
    public HttpSmsGateway(SmsConfig config) {
        this(config, Duration.ofMillis(REQUEST_TIMEOUT_MS), Thread::sleep);
    }

    /**
     * For tests: a shorter request timeout and a sleeper that need not really wait.
     *
     * @param requestTimeout bound on one request, replacing {@link #REQUEST_TIMEOUT_MS}
     * @param sleeper        receives each backoff wait in milliseconds
     */
    HttpSmsGateway(SmsConfig config, Duration requestTimeout, Sleeper sleeper) {
        this.config = Objects.requireNonNull(config, "config");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive");
        }
        URI url = config.url();
        this.gateway = url.getPort() == -1 ? url.getHost() : url.getHost() + ":" + url.getPort();
        this.authorization = config.hasCredentials()
                ? "Basic " + Base64.getEncoder().encodeToString(
                        (config.account() + ":" + config.token()).getBytes(StandardCharsets.UTF_8))
                : null;
        this.client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(CONNECT_TIMEOUT_MS))
                // HTTP/1.1 because on plain http the default would offer an h2c upgrade, which some
                // gateways and proxies mishandle on a POST with a body; one small request gains
                // nothing from HTTP/2.
                .version(HttpClient.Version.HTTP_1_1)
                // A redirect would replay the credentials and the code to another address.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Posts the message, retrying as described on the class.
     *
     * @throws IllegalArgumentException when the number is not E.164 or the text is empty or longer
     *                                  than {@link #TEXT_CHARS_MAX}
     * @throws Mailer.DeliveryException when no attempt was accepted; names the gateway, the last
     *                                  status or exception class and the attempt count, never the text
     */
    @Override
    public void send(String toE164, String text) {
        checkMessage(toE164, text);
        String recipient = mask(toE164);
        HttpRequest request = request(toE164, text);
        for (int attempt = 1; ; attempt++) {
            Outcome outcome;
            try {
                outcome = attempt(request);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure(recipient, attempt, "interrupted", e);
            }
            if (outcome.accepted()) {
                return;
            }
            boolean last = !outcome.retryable() || attempt == ATTEMPTS_MAX;
            if (last) {
                LOG.warn("SMS to {} via {}: attempt {}/{} failed: {}; giving up", recipient, gateway, attempt,
                        ATTEMPTS_MAX, outcome.description());
                throw failure(recipient, attempt, outcome.description(), outcome.error());
            }
            long waitMs = backoffMs(attempt);
            LOG.warn("SMS to {} via {}: attempt {}/{} failed: {}; retrying in {} ms", recipient, gateway, attempt,
                    ATTEMPTS_MAX, outcome.description(), waitMs);
            try {
                sleeper.sleep(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure(recipient, attempt, outcome.description() + ", then interrupted", e);
            }
        }
    }

    @Override
    public String describe() {
        URI url = config.url();
        // Scheme, host and path only: a query string may carry a key.
        return "SMS gateway " + url.getScheme() + "://" + gateway + (url.getRawPath() == null ? "" : url.getRawPath())
                + (config.hasCredentials() ? " (basic auth as " + config.account() + ")" : " (no authentication)")
                + ", from " + config.from();
    }

    /** The wait after failed attempt {@code attempt} (1-based): doubling from the initial value, capped. */
    static long backoffMs(int attempt) {
        long wait = BACKOFF_INITIAL_MS;
        for (int i = 1; i < attempt && wait < BACKOFF_MAX_MS; i++) {
            wait *= 2;
        }
        return Math.min(wait, BACKOFF_MAX_MS);
    }

    /**
     * The checks every {@link SmsSender} applies before sending. Messages do not echo the number or
     * the text: both are sensitive and these errors may end up in a log.
     */
    static void checkMessage(String toE164, String text) {
        Objects.requireNonNull(toE164, "toE164");
        Objects.requireNonNull(text, "text");
        if (!E164.matcher(toE164).matches()) {
            throw new IllegalArgumentException("recipient must be an E.164 number ('+' and 7 to 15 digits)");
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("text message must not be empty");
        }
        if (text.length() > TEXT_CHARS_MAX) {
            throw new IllegalArgumentException("text message has " + text.length() + " chars, at most "
                    + TEXT_CHARS_MAX + " allowed");
        }
    }

    /** The number with every digit but the last two replaced by '*', e.g. {@code +*********67}. */
    static String mask(String e164) {
        StringBuilder b = new StringBuilder(e164.length());
        for (int i = 0; i < e164.length(); i++) {
            char c = e164.charAt(i);
            b.append(Character.isDigit(c) && i < e164.length() - 2 ? '*' : c);
        }
        return b.toString();
    }

    private HttpRequest request(String toE164, String text) {
        String form = "To=" + formEncode(toE164) + "&From=" + formEncode(config.from()) + "&Body=" + formEncode(text);
        HttpRequest.Builder b = HttpRequest.newBuilder(config.url())
                .timeout(requestTimeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b.build();
    }

    private static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** One request. Only interruption escapes; every other failure becomes an outcome. */
    private Outcome attempt(HttpRequest request) throws InterruptedException {
        // The response body is discarded unread: gateways echo the number and sometimes the text
        // in it, so it must not reach a log.
        CompletableFuture<HttpResponse<Void>> pending = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            // The request timeout already covers the exchange; this outer bound guarantees the
            // caller is released even if a response body trickles in slowly.
            HttpResponse<Void> response = pending.get(requestTimeout.toMillis() + CONNECT_TIMEOUT_MS,
                    TimeUnit.MILLISECONDS);
            return Outcome.ofStatus(response.statusCode());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException ce && ce.getCause() != null
                    ? ce.getCause() : e.getCause();
            return Outcome.ofError(cause);
        } catch (TimeoutException e) {
            pending.cancel(true);
            return Outcome.ofError(new HttpTimeoutException("no complete response within "
                    + (requestTimeout.toMillis() + CONNECT_TIMEOUT_MS) + " ms"));
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        }
    }

    private Mailer.DeliveryException failure(String recipient, int attempts, String what, Throwable cause) {
        return new Mailer.DeliveryException("SMS delivery to " + recipient + " via gateway " + gateway
                + " failed after " + attempts + (attempts == 1 ? " attempt: " : " attempts: ") + what, cause);
    }

    /** What one request came to: an HTTP status, or the exception that prevented one. */
    private record Outcome(int status, Throwable error) {
        static Outcome ofStatus(int status) {
            return new Outcome(status, null);
        }

        static Outcome ofError(Throwable error) {
            return new Outcome(-1, error);
        }

        boolean accepted() {
            return error == null && status >= 200 && status < 300;
        }

        /** Overload (5xx, 429) and network trouble may pass; anything else will fail again. */
        boolean retryable() {
            if (error != null) {
                return error instanceof IOException;
            }
            return status >= 500 || status == 429;
        }

        String description() {
            return error != null ? error.getClass().getSimpleName() : "HTTP " + status;
        }
    }
}
