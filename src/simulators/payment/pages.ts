import { METHODS, type PublicTxn } from './simulator.ts';

/**
 * The simulated platform's pages: the pay page (choose a bank or wallet, then pay, fail or
 * abandon) and the pages a payer sees when nothing comes back. Plain server-rendered HTML that
 * works without scripts; Vietnamese first, English beside it. The style sheet is served beside
 * them: the app's Content-Security-Policy allows no inline style. Links are paths under `base`
 * (the simulator's path prefix), so they work whichever host name the demo is opened by.
 */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const money = (n: number) => `${new Intl.NumberFormat('vi-VN').format(n)} ₫`;

function layout(base: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — Nền tảng thanh toán (mô phỏng)</title>
<link rel="stylesheet" href="${esc(base)}/style.css">
</head>
<body>
<header><p class="brand">Nền tảng thanh toán — Cổng Dịch vụ công quốc gia <span class="sim">MÔ PHỎNG · SIMULATOR</span></p></header>
<main>
${body}
</main>
<footer><p>Đây là trình mô phỏng dùng để trình diễn và kiểm thử; không có khoản tiền thật nào được chuyển. <span lang="en">A simulator for the demo and tests: no real money moves.</span></p></footer>
</body>
</html>
`;
}

function summary(t: PublicTxn): string {
  return `<dl>
<dt>Đơn vị thụ hưởng <span lang="en">Payee</span></dt><dd>${esc(t.unitName || '—')}</dd>
<dt>Mã hồ sơ <span lang="en">Dossier</span></dt><dd>${esc(t.dossierCode || '—')}</dd>
<dt>Nội dung <span lang="en">Description</span></dt><dd>${esc(t.description)}</dd>
<dt>Mã tham chiếu <span lang="en">Reference</span></dt><dd>${esc(t.reference)}</dd>
<dt>Số tiền <span lang="en">Amount</span></dt><dd class="amount">${money(t.amount)}</dd>
</dl>`;
}

export function payPage(base: string, token: string, t: PublicTxn): string {
  const pre = METHODS.some((m) => m.code === t.bankCode) ? t.bankCode : METHODS[0].code;
  const group = (kind: 'bank' | 'wallet') =>
    METHODS.filter((m) => m.kind === kind)
      .map(
        (m) =>
          `<li><input type="radio" name="bank" id="m-${m.code}" value="${m.code}"${m.code === pre ? ' checked' : ''}> <label for="m-${m.code}">${esc(m.name)}</label></li>`,
      )
      .join('\n');
  return layout(
    base,
    'Thanh toán',
    `<h1>Thanh toán phí, lệ phí <span lang="en">Pay fees and charges</span></h1>
${summary(t)}
<form method="post" action="${esc(base)}/pay/${esc(token)}">
<fieldset>
<legend>Ngân hàng <span lang="en">Bank</span></legend>
<ul class="choices">
${group('bank')}
</ul>
</fieldset>
<fieldset>
<legend>Ví điện tử <span lang="en">E-wallet</span></legend>
<ul class="choices">
${group('wallet')}
</ul>
</fieldset>
<p class="buttons">
<button type="submit" name="outcome" value="pay" class="primary">Thanh toán <span lang="en">Pay</span></button>
<button type="submit" name="outcome" value="fail">Thất bại <span lang="en">Fail</span></button>
<button type="submit" name="outcome" value="abandon">Bỏ qua <span lang="en">Abandon</span></button>
</p>
<p class="hint">“Thất bại” giả lập ngân hàng từ chối (không đủ số dư); “Bỏ qua” giả lập người nộp đóng trang. <span lang="en">“Fail” simulates a refusal by the bank (insufficient funds); “Abandon” simulates a payer who closes the page.</span></p>
</form>`,
  );
}

export function messagePage(base: string, page: 'timeout' | 'abandoned' | 'done' | 'unknown', t?: PublicTxn, home?: string): string {
  const texts = {
    timeout: [
      'Ngân hàng chưa phản hồi',
      'The bank has not answered',
      'Giao dịch đang chờ ngân hàng xác nhận. Kết quả sẽ được cơ quan thu tra cứu lại; nếu ngân hàng không xác nhận, giao dịch sẽ bị huỷ khi hết hạn.',
      'The payment awaits the bank. The collecting agency will look it up; if the bank does not confirm it, it fails when it expires.',
    ],
    abandoned: [
      'Bạn đã bỏ qua giao dịch',
      'You abandoned the payment',
      'Chưa có khoản nào bị trừ. Giao dịch sẽ hết hạn nếu không được thanh toán.',
      'Nothing was charged. The payment expires if it is not paid.',
    ],
    done: ['Giao dịch đã được xử lý', 'The payment was already handled', 'Giao dịch này đã kết thúc.', 'This payment is finished.'],
    unknown: ['Không tìm thấy giao dịch', 'No such payment', 'Đường dẫn thanh toán không đúng hoặc đã hết hạn.', 'The payment link is wrong or has expired.'],
  }[page];
  const [h, hEn, p, pEn] = texts as [string, string, string, string];
  return layout(
    base,
    h,
    `<h1>${esc(h)} <span lang="en">${esc(hEn)}</span></h1>
<p>${esc(p)} <span lang="en">${esc(pEn)}</span></p>
${t ? summary(t) : ''}
${home ? `<p><a href="${esc(home)}">Quay lại cổng dịch vụ công <span lang="en">Back to the public service portal</span></a></p>` : ''}`,
  );
}

export const STYLE = `body{font-family:system-ui,sans-serif;margin:0;color:#0b0c0c;background:#f3f2f1;line-height:1.5}
header{background:#0b3d91;color:#fff;padding:.75rem 1rem}.brand{margin:0;font-weight:700}
.sim{background:#ffdd00;color:#0b0c0c;padding:0 .4rem;margin-left:.5rem;font-size:.8rem}
main{max-width:40rem;margin:1rem auto;background:#fff;padding:1rem 1.5rem}
h1{font-size:1.5rem}[lang=en]{color:#505a5f;font-size:.9em}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}
.amount{font-size:1.25rem;font-weight:700}
fieldset{border:1px solid #b1b4b6;margin:1rem 0}.choices{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:.25rem}
.buttons{display:flex;gap:.5rem;flex-wrap:wrap}button{font-size:1rem;padding:.5rem 1rem;border:2px solid #0b0c0c;background:#fff;cursor:pointer}
button.primary{background:#00703c;color:#fff;border-color:#00703c}button [lang=en]{color:inherit}
.hint{font-size:.9rem}footer{max-width:40rem;margin:0 auto 2rem;padding:0 1.5rem;font-size:.85rem}
@media (max-width:30rem){main{margin:0;padding:1rem}dl{grid-template-columns:1fr}}
`;
