package io.jobpulse.json;

/**
 * JSON text that breaks one of the {@link JsonLimits}; the message is short, names the rule and its limit, and
 * never quotes the input, so it may go to the client as it is.
 */
public class JsonLimitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final JsonRule rule;

    public JsonLimitException(JsonRule rule, String message) {
        super(message, null, false, false);
        this.rule = rule;
    }

    public JsonRule rule() {
        return rule;
    }
}
