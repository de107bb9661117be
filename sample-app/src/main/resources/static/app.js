'use strict';
// The page talks to its own node only: /api/* of the sample app (chat) and the status it builds from the same
// descriptors as /actuator/rats. Nothing is loaded from anywhere else.

const $ = (id) => document.getElementById(id);
let selfId = '';

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function short(id) {
  return id ? id.substring(0, 12) : '?';
}

function addMessage(message) {
  const list = $('messages');
  const item = el('li', message.from === selfId ? 'mine' : 'theirs');
  const author = message.from === selfId ? 'me' : (message.nickname || short(message.from));
  item.appendChild(el('span', 'from', author));
  item.appendChild(el('span', 'text', message.text));
  item.dataset.id = message.id;
  list.appendChild(item);
  list.scrollTop = list.scrollHeight;
}

function renderPeers(peers) {
  const list = $('peers');
  list.replaceChildren();
  $('peer-count').textContent = peers.length;
  for (const peer of peers) {
    const item = el('li');
    if (peer.nickname) item.appendChild(el('strong', 'nick', peer.nickname + ' '));
    item.appendChild(el('span', 'id', short(peer.peerId)));
    item.appendChild(el('span', 'tag', peer.connectionMethod));
    item.appendChild(el('span', peer.encrypted ? 'tag secure' : 'tag insecure', peer.encrypted ? 'Noise' : 'plaintext'));
    item.appendChild(el('span', 'tag', peer.direction));
    item.appendChild(el('div', 'detail', `${peer.address} · ${peer.messagesIn} in / ${peer.messagesOut} out`
        + (peer.rttMillis !== null && peer.rttMillis !== undefined ? ` · rtt ${peer.rttMillis} ms` : '')));
    list.appendChild(item);
  }
}

function renderNat(status) {
  const dl = $('nat');
  dl.replaceChildren();
  const add = (term, value) => {
    dl.appendChild(el('dt', null, term));
    dl.appendChild(el('dd', null, value));
  };
  for (const [term, value] of Object.entries(status.panel)) add(term, value);
  const attempts = $('attempts');
  attempts.replaceChildren();
  for (const attempt of status.attempts) {
    const item = el('li', null, `${attempt.target} via ${attempt.method} in ${attempt.durationMillis} ms`);
    item.appendChild(el('span', attempt.success ? 'tag secure' : 'tag failed', attempt.success ? 'ok' : attempt.error));
    attempts.appendChild(item);
  }
}

async function refreshStatus() {
  try {
    const response = await fetch('api/status');
    if (!response.ok) return;
    const status = await response.json();
    selfId = status.peerId;
    $('node-id').textContent = short(status.peerId);
    $('node-id').title = status.peerId;
    $('node-address').textContent = status.listenAddress;
    renderPeers(status.peers);
    renderNat(status);
  } catch (e) {
    // the node is restarting; the next round will catch up
  }
}

async function loadHistory() {
  const response = await fetch('api/messages');
  if (response.ok) (await response.json()).forEach(addMessage);
}

function listen() {
  const events = new EventSource('api/stream');
  events.addEventListener('chat', (event) => addMessage(JSON.parse(event.data)));
  events.addEventListener('peers', () => refreshStatus());
}

$('send-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('message-input');
  const text = input.value.trim();
  if (!text) return;
  const response = await fetch('api/messages', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text }) });
  const result = await response.json();
  $('send-result').textContent = response.ok ? `sent to ${result.delivered} peer(s)` : result.error;
  if (response.ok) input.value = '';
});

$('connect-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const response = await fetch('api/peers', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ address: $('connect-address').value.trim() }) });
  const result = await response.json();
  $('connect-result').textContent = result.success ? `connected to ${short(result.peerId)}` : `failed: ${result.error}`;
  refreshStatus();
});

refreshStatus().then(loadHistory).then(listen);
setInterval(refreshStatus, 3000);
