package dev.crater.subscriptions;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.access.ApiGuard;
import dev.crater.http.ApiException;
import dev.crater.http.HttpSupport;
import dev.crater.http.PathIds;
import dev.crater.users.User;
import dev.crater.users.UserIds;
import dev.crater.users.UserService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The Subscriptions API (reference 01-authentication.md §6): phone binding, the list of
 * notification subscriptions, and changing one subscription's state (documented, apparently by
 * mistake, as {@code PUT /users/{userId}}; Crater answers it as the subscription modify call its
 * body describes).
 *
 * <pre>
 * PUT    /users/{userId}/subscriptions/settings/phonenumber?phoneNumber=+13105550100
 * PUT    /users/{userId}/subscriptions/settings/phonenumber/token/{tokenId}?tokenValue=123456
 * GET    /users/{userId}/subscriptions/settings/phonenumber
 * DELETE /users/{userId}/subscriptions/settings/phonenumber
 * GET    /users/{userId}/subscriptions[?channelType=Email]
 * PUT    /users/{userId}   {"Channel": "Email", "SubscriptionType": "PriceAlert", "State": "Active", "AccountId": 0}
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

    /**
     * The documented modify body; fields are read as text so that names (any case) and the
     * documented numbers are both accepted. {@code AccountId} is accepted and ignored: Crater keeps
     * subscriptions per user.
     */
    public record ModifySubscriptionModel(String channel, String subscriptionType, String state, Long accountId) {
    }

    private final PhoneService phones;
    private final UserService users;

    public SubscriptionRoutes(PhoneService phones, UserService users) {
        this.phones = phones;
        this.users = users;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.put(PHONE + "[/]", this::startPhone)
                .put(PHONE + "/token/{tokenId}[/]", this::confirmPhone)
                .get(PHONE + "[/]", this::getPhone)
                .delete(PHONE + "[/]", this::deletePhone)
                .get("/users/{userId}/subscriptions[/]", this::list)
                .put("/users/{userId}[/]", this::modify);
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
        long tokenId = PathIds.int32(req, "tokenId");
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
        HttpSupport.json(res, 200, phones.subscriptions(user, only));
    }

    private void modify(ServerRequest req, ServerResponse res) {
        User user = caller(req);
        ModifySubscriptionModel body = HttpSupport.readJson(req, ModifySubscriptionModel.class, "model");
        Channel channel = named(Channel.values(), required(body.channel(), "Channel"), "model.Channel");
        SubscriptionType type = named(SubscriptionType.values(), required(body.subscriptionType(), "SubscriptionType"),
                "model.SubscriptionType");
        User.PhoneState state = named(User.PhoneState.values(), required(body.state(), "State"), "model.State");
        HttpSupport.json(res, 200, phones.setSubscription(user, channel, type, state));
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ApiException.modelState("model." + field, field + " is required.");
        }
        return value.trim();
    }

    /** An enum constant by name (any case) or documented number (the ordinal; the state's code). */
    private static <E extends Enum<E>> E named(E[] values, String text, String key) {
        for (E e : values) {
            boolean number = e instanceof User.PhoneState p ? String.valueOf(p.code).equals(text)
                    : String.valueOf(e.ordinal()).equals(text);
            if (e.name().equalsIgnoreCase(text) || number) {
                return e;
            }
        }
        throw ApiException.modelState(key, key.substring(key.indexOf('.') + 1) + " must be one of "
                + java.util.Arrays.stream(values).map(Enum::name).collect(java.util.stream.Collectors.joining(", ")) + ".");
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
