package io.librats.sample.chat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.librats.RatsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two chat nodes and two real headless Chromium pages (Debian's chromium and chromedriver, never a downloaded
 * driver): a line typed in one page appears in the other, and each page lists the other node as an encrypted peer.
 */
class ChatPageBrowserTest {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private final List<WebDriver> browsers = new ArrayList<>();

	@AfterEach
	void close() {
		this.browsers.forEach(WebDriver::quit);
		this.nodes.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void aLineTypedInOnePageAppearsInTheOther(@TempDir Path state) throws Exception {
		assertThat(CHROMIUM).as("Debian chromium (installed by .ci/install)").exists();
		assertThat(CHROMEDRIVER).as("Debian chromium-driver (installed by .ci/install)").exists();
		ConfigurableApplicationContext alice = start(state.resolve("alice"), "alice");
		int alicePort = alice.getBean(RatsClient.class).listenPort();
		ConfigurableApplicationContext bob = start(state.resolve("bob"), "bob", "--rats.peers=127.0.0.1:" + alicePort);
		RatsClient aliceNode = alice.getBean(RatsClient.class);
		RatsClient bobNode = bob.getBean(RatsClient.class);
		await().atMost(WAIT).until(() -> aliceNode.isConnected(bobNode.peerId()));

		WebDriver alicePage = open(alice, state.resolve("alice-browser"));
		WebDriver bobPage = open(bob, state.resolve("bob-browser"));
		for (WebDriver page : List.of(alicePage, bobPage)) {
			await().atMost(WAIT).until(() -> page.findElements(By.cssSelector("#peers li")).size() == 1);
		}
		await().atMost(WAIT).untilAsserted(() -> assertThat(alicePage.findElement(By.id("peers")).getText())
			.contains("Noise").contains("bob"));

		String line = "hello from alice " + System.nanoTime();
		WebElement input = alicePage.findElement(By.id("message-input"));
		input.sendKeys(line);
		alicePage.findElement(By.id("send-button")).click();

		await().atMost(WAIT).untilAsserted(() -> assertThat(texts(bobPage)).anyMatch((text) -> text.contains(line)
				&& text.contains("alice")));
		assertThat(texts(alicePage)).anyMatch((text) -> text.contains(line));
		await().atMost(WAIT).untilAsserted(() -> assertThat(alicePage.findElement(By.id("send-result")).getText())
			.isEqualTo("sent to 1 peer(s)"));

		String reply = "hi alice, bob here " + System.nanoTime();
		bobPage.findElement(By.id("message-input")).sendKeys(reply);
		bobPage.findElement(By.id("send-button")).click();
		await().atMost(WAIT).untilAsserted(() -> assertThat(texts(alicePage)).anyMatch((text) -> text.contains(reply)));
	}

	private ConfigurableApplicationContext start(Path stateDir, String nickname, String... extra) throws Exception {
		Files.createDirectories(stateDir);
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--rats.port=0",
				"--rats.listen-address=127.0.0.1", "--rats.state-dir=" + stateDir, "--sample.nickname=" + nickname,
				"--spring.application.name=chat-" + nickname));
		args.addAll(List.of(extra));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ChatApplication.class)
			.run(args.toArray(String[]::new));
		this.nodes.add(context);
		return context;
	}

	private WebDriver open(ConfigurableApplicationContext node, Path profile) throws Exception {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
				"--user-data-dir=" + Files.createDirectories(profile));
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		WebDriver driver = new ChromeDriver(service, options);
		this.browsers.add(driver);
		int port = ((WebServerApplicationContext) node).getWebServer().getPort();
		driver.get("http://127.0.0.1:" + port + "/");
		return driver;
	}

	private static List<String> texts(WebDriver page) {
		return page.findElements(By.cssSelector("#messages li")).stream().map(WebElement::getText).toList();
	}

}
