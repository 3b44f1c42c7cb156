package io.jobpulse.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST API's root: {@code /jobpulse/api}. */
@ApplicationPath("api")
public class JobPulseApplication extends Application {}
