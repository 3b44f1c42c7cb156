package io.jobpulse.rest;

import jakarta.json.JsonObject;

/** An error answer of the API (RFC 9457 problem details): status, title, detail and optional extra members. */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final transient JsonObject extra;

    public ApiProblem(int status, String title, String detail) {
        this(status, title, detail, null);
    }

    public ApiProblem(int status, String title, String detail, JsonObject extra) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.extra = extra;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public JsonObject extra() {
        return extra;
    }

    public static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "Bad Request", detail);
    }

    public static ApiProblem notFound() {
        return new ApiProblem(404, "Not Found", "No such job.");
    }

    public static ApiProblem unprocessable(String detail) {
        return new ApiProblem(422, "Unprocessable Content", detail);
    }
}
