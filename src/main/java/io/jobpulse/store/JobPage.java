package io.jobpulse.store;

import io.jobpulse.job.Job;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One page of a listing, newest first, with the cursor of the next page when there is one. */
public record JobPage(List<Job> jobs, Optional<Long> nextCursor) {

    public JobPage {
        jobs = List.copyOf(jobs);
    }

    /**
     * The page answered by {@code query}, a prepared listing newest first that selects {@code row_no} and the job
     * columns and asks for {@code limit + 1} rows: when there was one more, the page has {@code limit} jobs and the
     * cursor is the row number of its last.
     */
    static JobPage read(PreparedStatement query, int limit) throws SQLException {
        List<Job> jobs = new ArrayList<>();
        List<Long> rows = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                jobs.add(JobRows.job(rs));
                rows.add(rs.getLong("row_no"));
            }
        }
        if (jobs.size() <= limit) {
            return new JobPage(jobs, Optional.empty());
        }
        return new JobPage(jobs.subList(0, limit), Optional.of(rows.get(limit - 1)));
    }
}
