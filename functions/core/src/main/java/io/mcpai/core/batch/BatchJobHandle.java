package io.mcpai.core.batch;

/**
 * What a launcher did with a job.
 *
 * @param jobId the job's id (as in the request)
 * @param launcher the launcher's kind, e.g. {@code process}
 * @param detail where to follow the job: a pid and log file, a job URL
 */
public record BatchJobHandle(String jobId, String launcher, String detail) {}
