package io.jobpulse.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The API clients from {@code jobpulse.api-keys} ({@code client:secret,client:secret}) and their lookup by secret. */
public final class ApiKeys {

    private record Entry(String client, byte[] secretHash) {}

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Parses the setting; the error names the position of a bad entry, never a secret. */
    public static ApiKeys parse(String setting) {
        List<Entry> entries = new ArrayList<>();
        String[] items = setting == null ? new String[0] : setting.split(",");
        for (int i = 0; i < items.length; i++) {
            String item = items[i].trim();
            if (item.isEmpty()) {
                continue;
            }
            int colon = item.indexOf(':');
            if (colon <= 0 || colon == item.length() - 1) {
                throw new IllegalArgumentException("entry " + (i + 1) + " of jobpulse.api-keys is not client:secret");
            }
            String client = item.substring(0, colon).trim();
            if (!client.matches("[A-Za-z0-9._@-]{1,64}")) {
                throw new IllegalArgumentException(
                        "entry " + (i + 1) + " of jobpulse.api-keys has an invalid client name");
            }
            entries.add(new Entry(client, hash(item.substring(colon + 1).trim())));
        }
        return new ApiKeys(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    /** Whether {@code client} is the name of one of the configured clients. */
    public boolean hasClient(String client) {
        return entries.stream().anyMatch(entry -> entry.client().equals(client));
    }

    /** The client owning this secret; compares hashes in constant time and looks at every entry. */
    public Optional<String> clientFor(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 512) {
            return Optional.empty();
        }
        byte[] given = hash(secret);
        String found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.secretHash(), given) && found == null) {
                found = entry.client();
            }
        }
        return Optional.ofNullable(found);
    }

    private static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
