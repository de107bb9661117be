package io.librats.sample.chat;

import java.time.Instant;

/**
 * One line of the chat as the page shows it.
 *
 * @param id unique per line, chosen by its author
 * @param from the author's peer id
 * @param nickname the author's nickname as it said, may be {@code null}
 * @param text what was said
 * @param at when this node saw it
 */
public record ChatLine(String id, String from, String nickname, String text, Instant at) {
}
