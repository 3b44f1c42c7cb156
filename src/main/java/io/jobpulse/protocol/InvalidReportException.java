package io.jobpulse.protocol;

/**
 * A worker's report body that is not a valid report ({@link ReportJson#parse}): its message says why, in words a
 * client can act on, never echoing more than a short field name. {@link #resultTooLarge()} tells a result over the
 * result limit (answered 413) from every other problem (422).
 */
public class InvalidReportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean resultTooLarge;

    InvalidReportException(String message) {
        this(message, false);
    }

    private InvalidReportException(String message, boolean resultTooLarge) {
        super(message, null, false, false);
        this.resultTooLarge = resultTooLarge;
    }

    static InvalidReportException resultTooLarge(String message) {
        return new InvalidReportException(message, true);
    }

    public boolean resultTooLarge() {
        return resultTooLarge;
    }
}
