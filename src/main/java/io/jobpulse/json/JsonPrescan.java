package io.jobpulse.json;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One pass of {@link JsonLimits#check}: a loop over the characters with an explicit stack of open containers, so
 * its cost is linear in the text and its stack depth is constant, whatever the input. Only the keys of the open
 * objects are kept, decoded, to find duplicates.
 */
final class JsonPrescan {

    private final CharSequence text;
    private final JsonLimits limits;
    /** The open containers, innermost last; an array's entry has no key set. */
    private final List<Container> open = new ArrayList<>();

    private int pos;

    JsonPrescan(CharSequence text, JsonLimits limits) {
        this.text = text;
        this.limits = limits;
    }

    void run() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            switch (c) {
                case '{', '[' -> enter(c == '{');
                case '}', ']' -> leave();
                case '"' -> string();
                case ',' -> expectKey(true);
                case ':' -> expectKey(false);
                case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> number();
                default -> pos++;
            }
        }
    }

    private void enter(boolean object) {
        if (open.size() == limits.maxDepth()) {
            throw new JsonLimitException(
                    JsonRule.MAX_DEPTH, "JSON nested deeper than " + limits.maxDepth() + " levels");
        }
        open.add(new Container(object ? new HashSet<>() : null));
        pos++;
    }

    private void leave() {
        if (!open.isEmpty()) {
            open.remove(open.size() - 1);
        }
        pos++;
    }

    private void expectKey(boolean expecting) {
        Container inner = innermost();
        if (inner != null && inner.keys != null) {
            inner.expectingKey = expecting;
        }
        pos++;
    }

    private Container innermost() {
        return open.isEmpty() ? null : open.get(open.size() - 1);
    }

    /** From the opening quote to just after the closing one (or the end of an unterminated string). */
    private void string() {
        Container inner = innermost();
        boolean isKey = inner != null && inner.keys != null && inner.expectingKey;
        StringBuilder key = isKey ? new StringBuilder() : null;
        int chars = 0;
        pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                break;
            }
            char decoded = c == '\\' ? escape() : c;
            pos += c == '\\' ? 0 : 1;
            if (++chars > limits.maxStringLength()) {
                throw new JsonLimitException(
                        JsonRule.MAX_STRING_LENGTH,
                        "JSON string or key longer than " + limits.maxStringLength() + " characters");
            }
            if (key != null) {
                key.append(decoded);
            }
        }
        if (isKey) {
            inner.expectingKey = false;
            if (!inner.keys.add(key.toString())) {
                throw new JsonLimitException(JsonRule.DUPLICATE_KEY, "JSON object with a duplicate key");
            }
        }
    }

    /** Decodes the escape at {@code pos} and moves past it; a malformed escape is left for the parser to refuse. */
    private char escape() {
        char e = pos + 1 < text.length() ? text.charAt(pos + 1) : '\\';
        if (e == 'u' && pos + 6 <= text.length()) {
            int code = 0;
            for (int i = pos + 2; i < pos + 6 && code >= 0; i++) {
                int digit = hexDigit(text.charAt(i));
                code = digit < 0 ? -1 : code * 16 + digit;
            }
            if (code >= 0) {
                pos += 6;
                return (char) code;
            }
        }
        pos += Math.min(2, text.length() - pos);
        return switch (e) {
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> e;
        };
    }

    private void number() {
        int start = pos;
        int exponentAt = -1;
        while (pos < text.length() && isNumberChar(text.charAt(pos))) {
            char c = text.charAt(pos);
            if ((c == 'e' || c == 'E') && exponentAt < 0) {
                exponentAt = pos;
            }
            pos++;
            if (pos - start > limits.maxNumberLength()) {
                throw new JsonLimitException(
                        JsonRule.MAX_NUMBER_LENGTH,
                        "JSON number longer than " + limits.maxNumberLength() + " characters");
            }
        }
        if (exponentAt >= 0 && exponentMagnitude(exponentAt + 1, pos) >= JsonLimits.MAX_EXPONENT_EXCLUSIVE) {
            throw new JsonLimitException(
                    JsonRule.MAX_EXPONENT,
                    "JSON number with an exponent of " + JsonLimits.MAX_EXPONENT_EXCLUSIVE + " or more");
        }
    }

    /** The exponent's digits in {@code [from, to)} after an optional sign, capped at the limit. */
    private int exponentMagnitude(int from, int to) {
        int i = from < to && (text.charAt(from) == '+' || text.charAt(from) == '-') ? from + 1 : from;
        int magnitude = 0;
        for (; i < to && magnitude < JsonLimits.MAX_EXPONENT_EXCLUSIVE; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            magnitude = magnitude * 10 + (c - '0');
        }
        return magnitude;
    }

    private static int hexDigit(char c) {
        return c >= '0' && c <= '9'
                ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private static boolean isNumberChar(char c) {
        return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    }

    /** An open object (with the keys seen so far) or array (no keys). */
    private static final class Container {
        final Set<String> keys;
        boolean expectingKey;

        Container(Set<String> keys) {
            this.keys = keys;
            this.expectingKey = keys != null;
        }
    }
}
