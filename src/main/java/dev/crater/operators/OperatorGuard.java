package dev.crater.operators;

import dev.crater.audit.AuditLog;
import dev.crater.http.ApiException;
import dev.crater.http.ClientInfo;
import dev.crater.http.HttpSupport;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Runs in front of every sandbox-control route ({@value #PATH}/…): a live operator key in the
 * {@code X-Crater-Operator-Key} header, else 401 {@code {"Message":"Authorization has been denied for
 * this request."}}. No {@code Et-App-Key} or bearer token is needed or looked at: the key names its
 * company, and a trader's token opens nothing here. On success the key and its audit actor go into
 * the request context and routing continues.
 */
public final class OperatorGuard implements Handler {
    public static final HeaderName OPERATOR_KEY = HeaderNames.create("X-Crater-Operator-Key");
    /** Where the sandbox-control routes live, under each version prefix. */
    public static final String PATH = "/crater/sandbox";

    private final OperatorKeys keys;

    public OperatorGuard(OperatorKeys keys) {
        this.keys = keys;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        ClientInfo client = ClientInfo.of(req);
        OperatorKey key = HttpSupport.header(req, OPERATOR_KEY).flatMap(k -> keys.authenticate(k, client))
                .orElseThrow(ApiException::denied);
        req.context().register(key);
        req.context().register(OperatorKeys.actor(key, client));
        res.next();
    }

    /** The key {@link OperatorGuard} checked for this request. */
    public static OperatorKey key(ServerRequest req) {
        return req.context().get(OperatorKey.class)
                .orElseThrow(() -> new IllegalStateException("route reached without OperatorGuard"));
    }

    /** Who acts in this request, for the audit log. */
    public static AuditLog.Actor actor(ServerRequest req) {
        return req.context().get(AuditLog.Actor.class)
                .orElseThrow(() -> new IllegalStateException("route reached without OperatorGuard"));
    }
}
