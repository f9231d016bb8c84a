// The HTTP API client: GET JSON from /api, with a readable error for 4xx/5xx and network failures.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/** GET /api/<path>?<params>; resolves to the parsed JSON, rejects with ApiError. */
export async function get(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value === null || value === undefined || value === "") continue;
    query.set(key, String(value));
  }
  const qs = query.toString();
  const url = "/api/" + path + (qs ? "?" + qs : "");
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  } catch (err) {
    throw new ApiError("The server cannot be reached.", 0);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    body = null;
  }
  if (!response.ok) {
    const detail = body && typeof body.detail === "string" ? body.detail
      : body && Array.isArray(body.detail) ? body.detail.map((d) => d.msg || String(d)).join("; ")
      : response.statusText;
    throw new ApiError(`${response.status}: ${detail}`, response.status);
  }
  return body;
}

/** The path of one item: segment("actors", id) -> "actors/<encoded id>". */
export function itemPath(collection, id) {
  return `${collection}/${encodeURIComponent(String(id))}`;
}
