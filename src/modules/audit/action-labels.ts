import type { Bilingual } from '../../platform/errors.ts';
import { ACTION_LABELS as DOSSIER_ACTIONS } from '../dossiers/workflow.ts';

/**
 * Readable names of the actions the code records (`recordAudit(` / `audit(` calls), for the
 * audit trail page and its CSV export. An action missing here is shown by its code.
 */
export const AUDIT_ACTIONS: Record<string, Bilingual> = {
  'auth.login': { vi: 'Đăng nhập', en: 'Signed in' },
  'auth.login.sso': { vi: 'Đăng nhập qua VNeID', en: 'Signed in with VNeID' },
  'auth.login.failed': { vi: 'Đăng nhập không thành công', en: 'Failed sign-in' },
  'auth.login.locked': { vi: 'Đăng nhập khi tài khoản đang tạm khóa', en: 'Sign-in while locked' },
  'auth.lockout': { vi: 'Tạm khóa do đăng nhập sai nhiều lần', en: 'Locked after repeated failures' },
  'auth.logout': { vi: 'Đăng xuất', en: 'Signed out' },
  'auth.sso.failed': { vi: 'Đăng nhập VNeID không thành công', en: 'Failed VNeID sign-in' },
  'auth.token': { vi: 'Cấp mã truy cập cho hệ thống kết nối', en: 'Access token issued to a system' },
  'auth.token.failed': { vi: 'Cấp mã truy cập không thành công', en: 'Access token refused' },
  'auth.password.change': { vi: 'Đổi mật khẩu', en: 'Changed password' },
  'auth.password.change.failed': { vi: 'Đổi mật khẩu không thành công', en: 'Failed password change' },
  'auth.password.change.locked': { vi: 'Đổi mật khẩu khi tài khoản đang tạm khóa', en: 'Password change while locked' },
  'org.unit.create': { vi: 'Thêm đơn vị', en: 'Added a unit' },
  'org.staff.create': { vi: 'Thêm cán bộ', en: 'Added an official' },
  'org.staff.roles': { vi: 'Thay đổi vai trò cán bộ', en: "Changed an official's roles" },
  'org.staff.enable': { vi: 'Mở khóa tài khoản cán bộ', en: "Enabled an official's account" },
  'org.staff.disable': { vi: 'Khóa tài khoản cán bộ', en: "Disabled an official's account" },
  'org.staff.credentials.reset': { vi: 'Đặt lại mật khẩu và TOTP của cán bộ', en: "Reset an official's password and TOTP" },
  'catalog.import': { vi: 'Nhập thủ tục hành chính', en: 'Imported procedures' },
  'catalog.national-pull': { vi: 'Áp dụng thủ tục lấy từ Cổng DVCQG', en: 'Applied procedures pulled from the national portal' },
  'catalog.version': { vi: 'Sửa thủ tục (phiên bản mới)', en: 'Edited a procedure (new version)' },
  'notification.read': { vi: 'Công dân đọc thông báo', en: 'A citizen read notifications' },
  'calendar.year.set': { vi: 'Cập nhật lịch làm việc', en: 'Updated the working calendar' },
  'calendar.year.reset': { vi: 'Khôi phục lịch làm việc mặc định', en: 'Reset the working calendar' },
  'dossier.submit': { vi: 'Hồ sơ: nộp hồ sơ', en: 'Dossier: filed' },
  'dossier.rate': { vi: 'Hồ sơ: đánh giá mức độ hài lòng', en: 'Dossier: rated' },
  'dossier.bulk_load': { vi: 'Nạp dữ liệu hồ sơ hàng loạt', en: 'Bulk-loaded dossiers' },
  'digitisation.scan.create': { vi: 'Số hóa: quét giấy tờ', en: 'Digitisation: scanned paper' },
  'digitisation.scan.draft': { vi: 'Số hóa: quét giấy tờ (bản nháp để sắp xếp trang)', en: 'Digitisation: scanned paper (a draft to arrange)' },
  'digitisation.scan.import': {
    vi: 'Số hóa: nhập bản quét đã số hóa sẵn (có nội dung chữ)',
    en: 'Digitisation: imported a scan digitised elsewhere (with its text)',
  },
  'digitisation.scan.accept': { vi: 'Số hóa: chấp nhận bản quét, chia thành tài liệu', en: 'Digitisation: accepted a scan, split into documents' },
  'digitisation.scan.done': { vi: 'Số hóa: nhận dạng chữ xong', en: 'Digitisation: text recognised' },
  'digitisation.scan.failed': { vi: 'Số hóa: nhận dạng chữ không thành công', en: 'Digitisation: text recognition failed' },
  'digitisation.item.record': { vi: 'Số hóa: ghi nhận tài liệu số hóa', en: 'Digitisation: recorded a digitised document' },
  'digitisation.item.confirm': { vi: 'Số hóa: xác nhận siêu dữ liệu', en: 'Digitisation: confirmed metadata' },
  'digitisation.component.exempt': { vi: 'Số hóa: đánh dấu thành phần không cần số hóa', en: 'Digitisation: marked a component as not to be digitised' },
  'digitisation.legacy.import': {
    vi: 'Số hóa: nhập lô kết quả cấp trước khi có hệ thống',
    en: 'Digitisation: imported a batch of results issued before the system',
  },
  'digitisation.legacy.done': { vi: 'Số hóa: hoàn tất lô kết quả cũ', en: 'Digitisation: finished a batch of old results' },
  'digitisation.campaign.deadline': { vi: 'Số hóa: đặt thời hạn chiến dịch', en: 'Digitisation: set the campaign deadline' },
  ...Object.fromEntries(
    Object.entries(DOSSIER_ACTIONS).map(([k, v]) => [
      `dossier.${k}`,
      { vi: `Hồ sơ: ${v.vi.charAt(0).toLowerCase()}${v.vi.slice(1)}`, en: `Dossier: ${v.en.charAt(0).toLowerCase()}${v.en.slice(1)}` },
    ]),
  ),
  'dossier_draft.save': { vi: 'Lưu bản nháp hồ sơ', en: 'Saved a dossier draft' },
  'dossier_draft.delete': { vi: 'Xóa bản nháp hồ sơ', en: 'Deleted a dossier draft' },
  'upload.create': { vi: 'Tải lên tệp', en: 'Uploaded a file' },
  'result.draft': { vi: 'Soạn dự thảo kết quả', en: 'Drafted a result' },
  'result.issue': { vi: 'Ban hành kết quả', en: 'Issued a result' },
  'result.legacy.register': { vi: 'Đăng ký kết quả cũ đã số hóa', en: 'Registered a digitised old result' },
  'result.revoke': { vi: 'Thu hồi kết quả', en: 'Revoked a result' },
  'result.replace': { vi: 'Thay thế kết quả', en: 'Replaced a result' },
  'result.share': { vi: 'Tạo liên kết chia sẻ kết quả', en: 'Shared a result' },
  'result.share.revoke': { vi: 'Thu hồi liên kết chia sẻ', en: 'Revoked a share link' },
  'result.share.open': { vi: 'Mở liên kết chia sẻ', en: 'Opened a share link' },
  'result.share.open_refused': { vi: 'Từ chối mở liên kết chia sẻ', en: 'Share link refused' },
  // Payments (issue 14): online through the national payment platform, at the desk, refunds and reconciliation.
  'payment.start': { vi: 'Thanh toán: bắt đầu thanh toán trực tuyến', en: 'Payments: started an online payment' },
  'payment.init_failed': {
    vi: 'Thanh toán: Nền tảng thanh toán không khởi tạo được giao dịch',
    en: 'Payments: the payment platform could not start the transaction',
  },
  'payment.settled': { vi: 'Thanh toán: đã thu trực tuyến, lập biên lai', en: 'Payments: paid online, receipt issued' },
  'payment.failed': { vi: 'Thanh toán: giao dịch không thành công', en: 'Payments: the transaction failed' },
  'payment.expired': { vi: 'Thanh toán: giao dịch hết hạn', en: 'Payments: the transaction expired' },
  'payment.forged': {
    vi: 'Thanh toán: từ chối thông điệp giả mạo (sai mã xác thực)',
    en: 'Payments: refused a forged message (bad authentication code)',
  },
  'payment.amount_mismatch': {
    vi: 'Thanh toán: từ chối xác nhận có số tiền không khớp',
    en: 'Payments: refused a confirmation with another amount',
  },
  'payment.unknown_reference': {
    vi: 'Thanh toán: từ chối xác nhận cho giao dịch không có',
    en: 'Payments: refused a confirmation of an unknown transaction',
  },
  'payment.counter': { vi: 'Thanh toán: thu tại bộ phận một cửa, lập biên lai', en: 'Payments: collected at the desk, receipt issued' },
  'payment.refund': { vi: 'Thanh toán: ghi nhận hoàn trả tiền', en: 'Payments: recorded a refund' },
  'payment.reconcile': { vi: 'Thanh toán: đối soát với Nền tảng thanh toán', en: 'Payments: reconciled with the payment platform' },
  'payment.mismatch.resolve': { vi: 'Thanh toán: xử lý chênh lệch đối soát', en: 'Payments: resolved a reconciliation mismatch' },
  'indicators.rebuild': { vi: 'Chỉ số: tính lại số liệu từ nhật ký hồ sơ', en: 'Index: recomputed the counts from the dossier logs' },
  'indicators.check': { vi: 'Chỉ số: đối chiếu số liệu với nhật ký hồ sơ', en: 'Index: checked the counts against the dossier logs' },
  'audit.export': { vi: 'Xuất nhật ký hệ thống (CSV)', en: 'Exported the audit trail (CSV)' },
  'integration.pause': { vi: 'Kết nối: tạm dừng gửi', en: 'Connections: paused the deliveries' },
  'integration.resume': { vi: 'Kết nối: tiếp tục gửi', en: 'Connections: resumed the deliveries' },
  'integration.replay': { vi: 'Kết nối: gửi lại thư lỗi', en: 'Connections: replayed dead letters' },
  // The data-sharing platform (issue 16): the business registry read for forms, our data shared with other agencies.
  'business_registry.lookup': {
    vi: 'Tra cứu doanh nghiệp trong Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp',
    en: 'Looked up a business in the national business registry',
  },
  'data_sharing.holder': {
    vi: 'Chia sẻ dữ liệu: cơ quan khác tra cứu hồ sơ, kết quả của một người',
    en: "Data sharing: another agency read a holder's dossiers and results",
  },
};

/** Groups for the filter: every action whose code starts with the prefix. */
export const AUDIT_ACTION_GROUPS: { prefix: string; label: Bilingual }[] = [
  { prefix: 'auth.', label: { vi: 'Đăng nhập và tài khoản', en: 'Sign-in and accounts' } },
  { prefix: 'org.', label: { vi: 'Tổ chức và cán bộ', en: 'Organisation and staff' } },
  { prefix: 'dossier.', label: { vi: 'Hồ sơ', en: 'Dossiers' } },
  { prefix: 'result.', label: { vi: 'Kết quả', en: 'Results' } },
  { prefix: 'payment.', label: { vi: 'Thanh toán', en: 'Payments' } },
  { prefix: 'indicators.', label: { vi: 'Chỉ số phục vụ', en: 'Service index' } },
  { prefix: 'catalog.', label: { vi: 'Danh mục thủ tục', en: 'Procedure catalogue' } },
  { prefix: 'calendar.', label: { vi: 'Lịch làm việc', en: 'Working calendar' } },
  { prefix: 'digitisation.', label: { vi: 'Số hóa', en: 'Digitisation' } },
  { prefix: 'dossier_draft.', label: { vi: 'Hồ sơ đang soạn', en: 'Draft dossiers' } },
  { prefix: 'upload.', label: { vi: 'Tệp tải lên', en: 'Uploads' } },
  { prefix: 'notification.', label: { vi: 'Thông báo', en: 'Notifications' } },
  { prefix: 'audit.', label: { vi: 'Nhật ký hệ thống', en: 'Audit trail' } },
  { prefix: 'integration.', label: { vi: 'Kết nối hệ thống quốc gia', en: 'National connections' } },
  { prefix: 'business_registry.', label: { vi: 'Tra cứu đăng ký doanh nghiệp', en: 'Business registry lookups' } },
  { prefix: 'data_sharing.', label: { vi: 'Chia sẻ dữ liệu', en: 'Data sharing' } },
];

export const actionLabel = (code: string): Bilingual => AUDIT_ACTIONS[code] ?? { vi: code, en: code };
