package io.jobpulse.config;

/** A {@code jobpulse.*} setting whose value cannot be used; the message names the key, never the value. */
public class InvalidSettingException extends IllegalArgumentException {

    public InvalidSettingException(String key, Throwable cause) {
        super("Invalid value for " + key + ": " + cause.getMessage(), cause);
    }
}
