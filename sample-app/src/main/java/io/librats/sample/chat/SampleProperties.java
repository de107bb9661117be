package io.librats.sample.chat;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the chat sample.
 *
 * @param nickname the name this node shows to its peers; defaults to "rats" plus the web port
 * @param historySize how many chat lines the node keeps for pages that open later
 */
@ConfigurationProperties("sample")
public record SampleProperties(String nickname, Integer historySize) {

	public SampleProperties {
		historySize = (historySize != null) ? historySize : 200;
		if (historySize < 1 || historySize > 10_000) {
			throw new IllegalArgumentException("sample.history-size must be in 1..10000, not " + historySize);
		}
	}

}
