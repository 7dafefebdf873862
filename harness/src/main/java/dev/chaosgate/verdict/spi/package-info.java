/**
 * The service-provider interface of the verdict: house judges ({@link dev.chaosgate.verdict.spi.Judge})
 * that add a team's own rules to every verdict. Intended for implementors; see {@code docs/verdicts.md}.
 */
package dev.chaosgate.verdict.spi;
