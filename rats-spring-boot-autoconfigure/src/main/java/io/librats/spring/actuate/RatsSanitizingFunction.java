package io.librats.spring.actuate;

import java.util.regex.Pattern;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks secrets in {@code /actuator/env} and {@code /actuator/configprops} even when their values are shown: every
 * key whose last part names a password, secret, credential or private key (TURN passwords among them), wherever
 * the key comes from.
 */
public class RatsSanitizingFunction implements SanitizingFunction {

	private static final Pattern SECRET = Pattern.compile(".*(password|secret|credential|private-?key)[^.]*$");

	@Override
	public SanitizableData apply(SanitizableData data) {
		String key = data.getLowerCaseKey();
		if (key != null && SECRET.matcher(key).matches()) {
			return data.withValue(SanitizableData.SANITIZED_VALUE);
		}
		return data;
	}

}
