package io.librats.sample.chat;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * The {@code chat} message on the wire.
 *
 * @param id unique per message
 * @param nickname the author's nickname
 * @param text what was said
 */
public record ChatMessage(@NotBlank @Size(max = 64) String id, @Size(max = 64) String nickname,
		@NotBlank @Size(max = 2000) String text) {
}
