package dev.crater.auth;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The three documented answers of {@code POST /token}, with keys in the documented order.
 */
public sealed interface TokenResponse {

    @JsonIgnore
    int httpStatus();

    /** 200 {@code {"State":"Succeeded","Token":"..."}}. */
    @JsonPropertyOrder({"State", "Token"})
    record Succeeded(String state, String token) implements TokenResponse {
        public Succeeded(String token) {
            this("Succeeded", token);
        }

        @Override
        public int httpStatus() {
            return 200;
        }
    }

    /** 202 {@code {"Step":"...","Reason":"...","State":"Expecting","Token":"<interim>"}}. */
    @JsonPropertyOrder({"Step", "Reason", "State", "Token"})
    record Expecting(Step step, String reason, String state, String token) implements TokenResponse {
        public Expecting(Step step, String reason, String token) {
            this(step, reason, "Expecting", token);
        }

        @Override
        public int httpStatus() {
            return 202;
        }
    }

    /** 401 {@code {"State":"Failed","Step":"...","Reason":"..."}}. */
    @JsonPropertyOrder({"State", "Step", "Reason"})
    record Failed(String state, Step step, String reason) implements TokenResponse {
        public Failed(Step step, String reason) {
            this("Failed", step, reason);
        }

        @Override
        public int httpStatus() {
            return 401;
        }
    }

    String INVALID_CREDENTIALS = "Invalid credentials";
    String INVALID_PIN = "Invalid pin";
    String EXPECTING_CODE = "Expecting confirmation code";
    String INVALID_CODE = "Invalid confirmation code";
    String CORRUPTED_TICKET = "Corrupted ticket";
    String CODE_NOT_SENT = "Confirmation code could not be sent";
    String PASSWORD_EXPIRED = "Your Password has expired and must be changed";
    String PIN_NOT_INIT = "PIN code is not init";
    String RATE_LIMITED = "Too many requests, try again later";
    String CODE_THROTTLED = "Too many confirmation codes requested, try again later";
}
