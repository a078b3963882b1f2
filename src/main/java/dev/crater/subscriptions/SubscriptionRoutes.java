package dev.crater.subscriptions;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.auth.ApiGuard;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.users.User;
import dev.crater.users.UserIds;
import dev.crater.users.UserService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The Subscriptions API (reference 01-authentication.md §6): phone binding and the list of
 * notification subscriptions.
 *
 * <pre>
 * PUT    /users/{userId}/subscriptions/settings/phonenumber?phoneNumber=+13105550100
 * PUT    /users/{userId}/subscriptions/settings/phonenumber/token/{tokenId}?tokenValue=123456
 * GET    /users/{userId}/subscriptions/settings/phonenumber
 * DELETE /users/{userId}/subscriptions/settings/phonenumber
 * GET    /users/{userId}/subscriptions[?channelType=Email]
 * </pre>
 */
public final class SubscriptionRoutes implements HttpService {
    private static final String PHONE = "/users/{userId}/subscriptions/settings/phonenumber";

    /** The documented channels and subscription types, in the documented order. */
    public enum Channel { Email, MobileText, MobilePush, WebPopupAlert, Disabled }

    public enum SubscriptionType { OrderExecution, OrderForReview, OrderOnReview, OrderPlacement, OrderReplacement, PriceAlert }

    /** The documented SubscriptionModel. */
    @JsonPropertyOrder({"Channel", "SubscriptionType", "State"})
    public record SubscriptionModel(Channel channel, SubscriptionType subscriptionType, String state) {
    }

    private final PhoneService phones;
    private final UserService users;
    private final Jdbi jdbi;

    public SubscriptionRoutes(PhoneService phones, UserService users, Jdbi jdbi) {
        this.phones = phones;
        this.users = users;
        this.jdbi = jdbi;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.put(PHONE + "[/]", this::startPhone)
                .put(PHONE + "/token/{tokenId}[/]", this::confirmPhone)
                .get(PHONE + "[/]", this::getPhone)
                .delete(PHONE + "[/]", this::deletePhone)
                .get("/users/{userId}/subscriptions[/]", this::list);
    }

    private User caller(ServerRequest req) {
        return UserIds.caller(req, users);
    }

    private void startPhone(ServerRequest req, ServerResponse res) {
        User user = caller(req);
        String phone = HttpSupport.query(req, "phoneNumber")
                .orElseThrow(() -> ApiException.modelState("phoneNumber", "The phoneNumber query parameter is required."));
        HttpSupport.json(res, 200, phones.start(ApiGuard.company(req), user, phone));
    }

    private void confirmPhone(ServerRequest req, ServerResponse res) {
        User user = caller(req);
        String raw = req.path().pathParameters().get("tokenId");
        long tokenId;
        try {
            tokenId = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw ApiException.modelState("tokenId", "The value '" + (raw.length() > 64 ? raw.substring(0, 64) : raw)
                    + "' is not valid for Int32.");
        }
        String code = HttpSupport.query(req, "tokenValue")
                .orElseThrow(() -> ApiException.modelState("tokenValue", "The tokenValue query parameter is required."));
        HttpSupport.json(res, 200, phones.confirm(user, tokenId, code));
    }

    private void getPhone(ServerRequest req, ServerResponse res) {
        HttpSupport.json(res, 200, phones.current(caller(req)));
    }

    private void deletePhone(ServerRequest req, ServerResponse res) {
        phones.remove(caller(req));
        res.status(204).send();
    }

    private void list(ServerRequest req, ServerResponse res) {
        User user = caller(req);
        Channel only = HttpSupport.query(req, "channelType").map(SubscriptionRoutes::channel).orElse(null);
        Map<String, String> overrides = new java.util.HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT channel, subscription_type, state FROM subscriptions WHERE user_id = :u")
                .bind("u", user.id())
                .map((rs, ctx) -> Map.entry(rs.getString(1) + "/" + rs.getString(2), rs.getString(3)))
                .forEach(e -> overrides.put(e.getKey(), e.getValue())));
        List<SubscriptionModel> out = new ArrayList<>();
        for (Channel c : Channel.values()) {
            if (c == Channel.Disabled || (only != null && only != c)) {
                continue;
            }
            for (SubscriptionType t : SubscriptionType.values()) {
                String state = overrides.getOrDefault(c.name() + "/" + t.name(), defaultState(c, user));
                out.add(new SubscriptionModel(c, t, state));
            }
        }
        HttpSupport.json(res, 200, out);
    }

    /**
     * Defaults: e-mail and in-app alerts on; text messages on once a phone number is bound; push
     * suspended until a device registers.
     */
    static String defaultState(Channel c, User user) {
        return switch (c) {
            case Email, WebPopupAlert -> "Active";
            case MobileText -> user.phoneActive() ? "Active" : "Suspended";
            case MobilePush, Disabled -> "Suspended";
        };
    }

    private static Channel channel(String text) {
        for (Channel c : Channel.values()) {
            if (c.name().equalsIgnoreCase(text) || String.valueOf(c.ordinal()).equals(text)) {
                return c;
            }
        }
        throw ApiException.modelState("channelType", "channelType must be one of Email, MobileText, MobilePush, WebPopupAlert, Disabled.");
    }

}
