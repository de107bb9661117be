package io.librats.sample.chat;

/**
 * The reply to a {@code whois} request: how a node introduces itself.
 *
 * @param nickname its nickname
 * @param peerCount how many peers it has
 */
public record NodeCard(String nickname, int peerCount) {
}
