/**
 * HTML of the simulator's own pages (login, errors, logout), bilingual Vietnamese / English.
 * Plain template strings: every interpolated value goes through `esc()` unless it is HTML
 * this module built itself or oidc-provider's own logout form.
 */

export const LOGIN_TITLE = 'Đăng nhập bằng tài khoản định danh điện tử VNeID';
export const SIMULATOR_LABEL = 'MÔI TRƯỜNG MÔ PHỎNG / SIMULATOR — not the real VNeID';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes a value for use in HTML text and in double- or single-quoted attributes. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:"Be Vietnam Pro","Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.5;color:#1f2328;background:#f1f3f6}
.sim{margin:0;padding:.5rem 1rem;background:#ffd43b;color:#1a1a1a;font-weight:700;text-align:center;letter-spacing:.02em;border-bottom:2px solid #1a1a1a}
.brand{display:flex;align-items:center;gap:.75rem;padding:.75rem 1rem;background:#a3111b;color:#fff}
.emblem{flex:none;display:inline-flex;align-items:center;justify-content:center;width:2.75rem;height:2.75rem;border-radius:50%;background:#d71920;color:#ffde00;font-size:1.6rem;line-height:1;border:2px solid #ffde00}
.brand-name{font-weight:700;text-transform:uppercase;font-size:.95rem;letter-spacing:.03em}
.brand-sub{display:block;font-size:.8rem;font-weight:400;text-transform:none;letter-spacing:0}
main{max-width:34rem;margin:1.5rem auto;padding:0 1rem}
.card{background:#fff;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.18);padding:1.5rem}
h1{font-size:1.35rem;line-height:1.3;margin:0 0 .25rem;color:#7a0c14}
h2{font-size:1.05rem;margin:0 0 .5rem}
.en{display:block;font-size:.9rem;font-weight:400;color:#4a4f57}
p{margin:.5rem 0}
.field{margin:1rem 0}
label{display:block;font-weight:600;margin-bottom:.25rem}
label .en{font-weight:400}
input[type=text],input[type=password]{display:block;width:100%;min-height:2.75rem;padding:.5rem .75rem;font:inherit;color:#1f2328;background:#fff;border:1px solid #6b7079;border-radius:.375rem}
input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
input[aria-invalid=true]{border-color:#b3261e;border-width:2px}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.25rem}
button{font:inherit;font-weight:600;min-height:2.75rem;padding:.5rem 1.25rem;border-radius:.375rem;cursor:pointer}
.primary{background:#a3111b;color:#fff;border:2px solid #a3111b}
.primary:hover{background:#7a0c14;border-color:#7a0c14}
.secondary{background:#fff;color:#7a0c14;border:2px solid #7a0c14}
.secondary:hover{background:#fbeaec}
.error{margin:1rem 0;padding:.75rem 1rem;background:#fdecea;color:#5f1412;border-left:4px solid #b3261e;border-radius:.25rem}
.error p{margin:0}
.note{margin-top:1.5rem;padding-top:1rem;border-top:1px solid #d0d4da}
.accounts{list-style:none;margin:0;padding:0}
.accounts li{padding:.5rem 0;border-bottom:1px solid #e3e6ea}
.accounts li:last-child{border-bottom:0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.95em;background:#eef1f4;color:#1f2328;padding:.05rem .3rem;border-radius:.25rem;word-break:break-all}
.kind{font-size:.85rem;color:#4a4f57}
dl{margin:.5rem 0}
dt{font-weight:600}
dd{margin:0 0 .5rem;word-break:break-word}
footer{max-width:34rem;margin:0 auto 2rem;padding:0 1rem;font-size:.85rem;color:#4a4f57;text-align:center}
@media (max-width:30rem){main{margin-top:1rem}.card{padding:1rem}.actions button{flex:1 1 100%}}
`;

function layout(title: string, content: string): string {
  return `<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<p class="sim">${esc(SIMULATOR_LABEL)}</p>
<div class="brand"><span class="emblem" aria-hidden="true">★</span><span class="brand-name">Hệ thống định danh và xác thực điện tử<span class="brand-sub" lang="en">Electronic identification and authentication system</span></span></div>
</header>
<main>
<div class="card">
${content}
</div>
</main>
<footer><p>Trang này do congso mô phỏng để thử nghiệm; không kết nối với Bộ Công an hay VNeID thật. <span lang="en">This page is simulated by congso for testing; it is not connected to the Ministry of Public Security or the real VNeID.</span></p></footer>
</body>
</html>`;
}

export interface DemoAccount {
  username: string;
  password: string;
  name: string;
  kind: 'citizen' | 'business';
}

export interface LoginPageInput {
  action: string;
  abortAction: string;
  clientName: string;
  username?: string;
  error?: boolean;
  accounts: DemoAccount[];
}

export function loginPage(input: LoginPageInput): string {
  const invalid = input.error ? ' aria-invalid="true" aria-describedby="login-error"' : '';
  const error = input.error
    ? `<div class="error" role="alert" id="login-error"><p>Số định danh cá nhân / mã số thuế hoặc mật khẩu không đúng. Vui lòng thử lại.</p><p lang="en">The personal ID number / tax code or the password is incorrect. Please try again.</p></div>`
    : '';
  const accounts = input.accounts
    .map(
      (a) =>
        `<li><code>${esc(a.username)}</code> — ${esc(a.name)} <span class="kind">(${a.kind === 'business' ? 'Tổ chức, doanh nghiệp / <span lang="en">Business</span>' : 'Công dân / <span lang="en">Citizen</span>'})</span><br>Mật khẩu <span lang="en">/ Password</span>: <code>${esc(a.password)}</code></li>`,
    )
    .join('\n');

  return layout(
    input.error ? `Lỗi đăng nhập — ${LOGIN_TITLE}` : LOGIN_TITLE,
    `<h1>${esc(LOGIN_TITLE)}<span class="en" lang="en">Sign in with your VNeID electronic identity account</span></h1>
<p>Dịch vụ <strong>${esc(input.clientName)}</strong> đề nghị bạn đăng nhập. <span lang="en">The service <strong>${esc(input.clientName)}</strong> asks you to sign in.</span></p>
${error}
<form method="post" action="${esc(input.action)}">
<div class="field">
<label for="username">Số định danh cá nhân / mã số thuế<span class="en" lang="en">Personal identification number / tax code</span></label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${esc(input.username ?? '')}"${invalid}>
</div>
<div class="field">
<label for="password">Mật khẩu<span class="en" lang="en">Password</span></label>
<input type="password" id="password" name="password" autocomplete="current-password" required${invalid}>
</div>
<div class="actions">
<button type="submit" class="primary">Đăng nhập <span lang="en">/ Sign in</span></button>
<button type="submit" class="secondary" form="abort-form">Hủy <span lang="en">/ Cancel</span></button>
</div>
</form>
<form id="abort-form" method="post" action="${esc(input.abortAction)}"></form>
<section class="note" aria-labelledby="demo-accounts">
<h2 id="demo-accounts">Tài khoản thử nghiệm <span lang="en">/ Demo accounts</span></h2>
<p>Môi trường mô phỏng: mọi mật khẩu đều được hiển thị. <span lang="en">Simulator: all passwords are shown.</span></p>
<ul class="accounts">
${accounts}
</ul>
</section>`,
  );
}

export interface ErrorPageInput {
  heading?: string;
  headingEn?: string;
  message?: string;
  messageEn?: string;
  details?: Record<string, unknown>;
}

export function errorPage(input: ErrorPageInput): string {
  const heading = input.heading ?? 'Đã xảy ra lỗi';
  const details = Object.entries(input.details ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return layout(
    `${heading} — VNeID`,
    `<h1>${esc(heading)}<span class="en" lang="en">${esc(input.headingEn ?? 'Something went wrong')}</span></h1>
${input.message ? `<p>${esc(input.message)}</p>` : ''}
${input.messageEn ? `<p lang="en">${esc(input.messageEn)}</p>` : ''}
${details.length ? `<dl>${details.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>` : ''}`,
  );
}

/** `form` is oidc-provider's own hidden logout form (trusted HTML, contains the xsrf token). */
export function logoutPage(form: string, host: string): string {
  return layout(
    'Đăng xuất — VNeID',
    `<h1>Bạn có muốn đăng xuất khỏi tài khoản định danh điện tử?<span class="en" lang="en">Do you want to sign out of your electronic identity account?</span></h1>
<p>Yêu cầu đăng xuất từ <strong>${esc(host)}</strong>. <span lang="en">Sign-out requested from <strong>${esc(host)}</strong>.</span></p>
${form}
<div class="actions">
<button type="submit" class="primary" form="op.logoutForm" name="logout" value="yes">Đăng xuất <span lang="en">/ Sign out</span></button>
<button type="submit" class="secondary" form="op.logoutForm">Giữ đăng nhập <span lang="en">/ Stay signed in</span></button>
</div>`,
  );
}

export function loggedOutPage(clientName?: string): string {
  return layout(
    'Đã đăng xuất — VNeID',
    `<h1>Bạn đã đăng xuất<span class="en" lang="en">You have signed out</span></h1>
<p>${clientName ? `Bạn đã đăng xuất khỏi <strong>${esc(clientName)}</strong>. <span lang="en">You have signed out of <strong>${esc(clientName)}</strong>.</span>` : 'Bạn có thể đóng trang này. <span lang="en">You can close this page.</span>'}</p>`,
  );
}
