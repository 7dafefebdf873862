package dev.chaosgate.console;

import java.util.List;
import java.util.Map;

/**
 * What the console shows at the top: the scenario playing, where it is, and how it is steered.
 *
 * @param phase             the phase in force (while replaying: of the last replayed decision), or null
 * @param injectedRemaining requests that will still get a fault queued with fail-next
 * @param replaying         whether a recording is being replayed
 * @param replayRemaining   recorded generation decisions still to serve (0 when not replaying)
 * @param recording         the absolute path of the recording file, or null when not recording
 * @param seed              the seed of the gateway's draws (link toxics, fixture values): the session's seed, else the
 *                          scenario's own, which always decides its fault schedule (while replaying: the seed the recorded run had)
 * @param verdictFrom       log sequence of the last entry before the verdict's baseline (the last switch or reset)
 * @param faults            the fault names fail-next takes, in menu order
 * @param faultDescriptions a line for people per fault name
 * @param scenarios         every scenario name the session can switch to
 * @param recordingProblem  why the recording file cannot be written right now (a full disk), or null when
 *                          the last write worked or nothing is recorded; the run is kept in memory meanwhile
 * @param clockStart        when the scenario's time started (ISO-8601): by default the app's first generation
 *                          request since the last switch or reset; null while it waits for one, and while replaying
 * @param queue             the faults queued with fail-next that requests have still to meet, first to fire first
 * @param segment           the number (from 1) of the recording's segment being made, one per start, reset and
 *                          switch; 0 when the session does not record
 * @param liveUpstream      the real API answering what meets no fault ({@code serve --upstream}), or null
 */
public record SessionState(String scenario, String description, String phase, List<String> phases, boolean paused,
                           int injectedRemaining, boolean replaying, int replayRemaining, String baseUrl,
                           String consoleUrl, String recording, long seed, long verdictFrom, List<String> faults,
                           Map<String, String> faultDescriptions, List<String> scenarios, String recordingProblem,
                           String clockStart, List<QueuedFault> queue, int segment, String liveUpstream) {
}
